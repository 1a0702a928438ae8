/**
 * An instant as the dossier writes its times: ISO 8601 in UTC to the second ("…T07:00:00Z").
 * Indexes and schedules compare these as strings, and "…00Z" sorts after "…00.000Z", so whatever
 * is compared with them is written the same way. Here, at the bottom floor beside the calendar,
 * so the procedure, the runtime's adapters (SMTP, the local SES events) and the calendar can use
 * the one definition without importing the procedure (or Temporal).
 */
export function toSecond(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
