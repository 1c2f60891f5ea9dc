import { type OfflineRun, runOffline } from "../../offline/run";

let cached: Promise<OfflineRun> | undefined;

/** The shipped prod stack, planned once per test file. */
export const prodRun = (): Promise<OfflineRun> => (cached ??= runOffline({ stack: "prod" }));
