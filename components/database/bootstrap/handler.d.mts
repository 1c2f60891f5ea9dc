/** Types of ./handler.mjs (plain JavaScript, shipped to Lambda as is), for the tests and the component. */
export interface RoleRef {
    name: string;
    secretArn: string;
}
export interface BootstrapEvent {
    host: string;
    port: number;
    database: string;
    masterSecretArn: string;
    roles: RoleRef[];
}
export interface SqlClient {
    query(text: string): Promise<unknown>;
    end(): Promise<void>;
}
export interface BootstrapDeps {
    statements: string[];
    readSecret(arn: string): Promise<Record<string, unknown>>;
    connect(c: { host: string; port: number; database: string; user: string; password: string }): Promise<SqlClient>;
}
export declare function scramSha256Verifier(password: string, salt?: Buffer): string;
export declare function bootstrap(event: BootstrapEvent, deps: BootstrapDeps): Promise<{ database: string; roles: string[]; statements: number }>;
export declare function handler(event: BootstrapEvent): Promise<{ database: string; roles: string[]; statements: number }>;
