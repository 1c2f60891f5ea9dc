/**
 * The backup bucket's bucket policy and key policy, as JSON. Pure so they can be read and
 * tested without a cloud account.
 */
import { type AccountContext, accountAdministersKey, denyInsecureTransport, policyDocument, type Statement } from "../shared/iam";
import { argError } from "../shared/errors";

export interface BucketPolicyInput {
    bucketArn: string;
    kmsKeyArn: string;
    /** Roles that write and restore backups. */
    writerRoleArns: string[];
    /**
     * The backup job's restic repository under `prefix`: its roles may also delete there
     * (restic removes its lock files on every run and prunes unreferenced data).
     */
    repository?: { prefix: string; roleArns: string[] };
}

/** What the repository's roles may do with its objects (and they may list the bucket). */
export const repositoryObjectActions = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"] as const;

/** What writers may do with objects: upload and read backups (listing is granted on the bucket). */
export const writerObjectActions = ["s3:PutObject", "s3:GetObject"] as const;

/** Matches a request that carries the header `key` with another value than `value`, and no other. */
function whenHeaderIsNot(key: string, value: string): Statement["Condition"] {
    return { StringNotEquals: { [key]: value }, Null: { [key]: "false" } };
}

/**
 * Denies plain-HTTP access and uploads that ask for other encryption than our KMS key, grants
 * the writer roles (if any) upload, read and list, and the backup job's roles read, write,
 * delete and list in its repository's prefix.
 *
 * Uploads without encryption headers are allowed: the bucket's default encryption applies our
 * key to them, so requiring the headers would only break clients that rely on that default
 * (restic sends none). Uploads that do send headers must name SSE-KMS and this key; a client that
 * names the key must name it by ARN, which is what the condition compares, and a client that
 * asks for SSE-KMS must name the key. Writers get no delete: a compromised writer cannot erase
 * the history, and versioning keeps overwritten backups.
 *
 * Each deny compares a header only when the request carries it (`StringNotEquals` together with
 * `Null: false`). `StringNotEqualsIfExists` would be wrong in a Deny: it is true when the key is
 * absent (IAM User Guide, "...IfExists condition operators"), so it denies every header-less
 * upload and no backup is ever written; the policy rule `s3-sse-deny-if-exists` refuses it.
 */
export function backupBucketPolicy(p: BucketPolicyInput): string {
    const objects = `${p.bucketArn}/*`;
    const statements: Statement[] = [
        denyInsecureTransport(p.bucketArn),
        {
            Sid: "DenyOtherEncryption",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: objects,
            Condition: whenHeaderIsNot("s3:x-amz-server-side-encryption", "aws:kms"),
        },
        {
            // Asking for SSE-KMS without naming a key selects the AWS-managed aws/s3 key, whose
            // use our key policy does not govern.
            Sid: "DenyKmsWithoutKey",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: objects,
            Condition: {
                StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
                Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
            },
        },
        {
            Sid: "DenyOtherKmsKey",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: objects,
            Condition: whenHeaderIsNot("s3:x-amz-server-side-encryption-aws-kms-key-id", p.kmsKeyArn),
        },
    ];
    if (p.writerRoleArns.length > 0) {
        statements.push(
            {
                Sid: "WritersPutGet",
                Effect: "Allow",
                Principal: { AWS: p.writerRoleArns },
                Action: [...writerObjectActions],
                Resource: objects,
            },
            {
                Sid: "WritersList",
                Effect: "Allow",
                Principal: { AWS: p.writerRoleArns },
                Action: "s3:ListBucket",
                Resource: p.bucketArn,
            },
        );
    }
    const repo = p.repository;
    if (repo && repo.roleArns.length > 0) {
        if (!/^[a-z0-9][a-z0-9-]*$/.test(repo.prefix)) throw argError("repository.prefix", repo.prefix, "one path segment of lowercase letters, digits and -", { where: "backupBucketPolicy" });
        statements.push(
            {
                // Delete makes a delete marker: versioning keeps what restic removes for
                // noncurrentVersionDays, and no statement grants s3:DeleteObjectVersion.
                Sid: "RepositoryReadWriteDelete",
                Effect: "Allow",
                Principal: { AWS: repo.roleArns },
                Action: [...repositoryObjectActions],
                Resource: `${p.bucketArn}/${repo.prefix}/*`,
            },
            {
                // The whole bucket, no s3:prefix condition: S3 answers a GET of a missing key
                // with 404 only to principals that may list the bucket (403 to the others), and
                // restic tells "not there" from "not allowed" by it (`restic init` first checks
                // that no config exists). The keys are restic's hashed file names.
                Sid: "RepositoryList",
                Effect: "Allow",
                Principal: { AWS: repo.roleArns },
                Action: "s3:ListBucket",
                Resource: p.bucketArn,
            },
        );
    }
    return policyDocument(statements);
}

export interface KeyPolicyInput extends AccountContext {
    writerRoleArns: string[];
}

/**
 * The key policy: the account administers the key through IAM (without this statement a key
 * can become unmanageable), and the writer roles may encrypt and decrypt with it only through
 * S3 in this region.
 */
export function backupKeyPolicy(p: KeyPolicyInput): string {
    const statements = [accountAdministersKey(p, "AccountAdministers")];
    if (p.writerRoleArns.length > 0) {
        statements.push({
            Sid: "WritersUseKeyThroughS3",
            Effect: "Allow",
            Principal: { AWS: p.writerRoleArns },
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { "kms:ViaService": `s3.${p.region}.${p.dnsSuffix}` } },
        });
    }
    return policyDocument(statements);
}
