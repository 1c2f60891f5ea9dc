/**
 * CloudWatch Logs facts shared by the components and the stack config schema.
 */

/** The retention periods (days) CloudWatch Logs accepts (PutRetentionPolicy), "never expire" left out. */
export const cloudWatchRetentionDays = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Whether CloudWatch Logs accepts `days` as a log group's retention. */
export function isCloudWatchRetention(days: number): boolean {
    return (cloudWatchRetentionDays as readonly number[]).includes(days);
}
