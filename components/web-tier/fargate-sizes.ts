import { type ComponentArgError, argError } from "../shared/errors";

/**
 * The task sizes Fargate accepts (ECS developer guide, "Task CPU and memory"): each CPU size
 * allows a range of memory in fixed steps. A size outside this table fails only at deploy
 * time, so it is checked before anything is registered.
 */
const fargateMemoryRanges: Record<number, { min: number; max: number; step: number } | { values: number[] }> = {
    256: { values: [512, 1024, 2048] },
    512: { min: 1024, max: 4096, step: 1024 },
    1024: { min: 2048, max: 8192, step: 1024 },
    2048: { min: 4096, max: 16384, step: 1024 },
    4096: { min: 8192, max: 30720, step: 1024 },
    8192: { min: 16384, max: 61440, step: 4096 },
    16384: { min: 32768, max: 122880, step: 8192 },
};

/** The Fargate CPU sizes, in CPU units. */
export const fargateCpuSizes: readonly number[] = Object.keys(fargateMemoryRanges).map(Number);

/** The memory sizes (MiB) Fargate allows with `cpu` units; empty when `cpu` is not a Fargate size. */
export function fargateMemoryOptions(cpu: number): number[] {
    const range = fargateMemoryRanges[cpu];
    if (!range) return [];
    if ("values" in range) return [...range.values];
    const out: number[] = [];
    for (let m = range.min; m <= range.max; m += range.step) out.push(m);
    return out;
}

/**
 * Why `cpu`/`memoryMiB` is not a Fargate size (the error to throw, naming `${prefix}cpu` or
 * `${prefix}memoryMiB`), or undefined when it is one.
 */
export function fargateSizeProblem(cpu: number, memoryMiB: number, prefix = ""): ComponentArgError | undefined {
    const options = fargateMemoryOptions(cpu);
    if (options.length === 0) return argError(`${prefix}cpu`, cpu, `a Fargate CPU size: one of ${fargateCpuSizes.join(", ")}`);
    if (options.includes(memoryMiB)) return undefined;
    const first = options[0];
    const last = options[options.length - 1];
    const step = options.length > 1 ? options[1] - first : 0;
    const allowed = options.length <= 4 ? options.join(", ") : `${first} to ${last} in steps of ${step}`;
    return argError(`${prefix}memoryMiB`, memoryMiB, `a Fargate memory size for cpu ${cpu}: ${allowed}`);
}
