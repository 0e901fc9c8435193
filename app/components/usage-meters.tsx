import { formatBytes } from "../../server/services/media/rules";

interface UsageLine {
  used: number;
  limit: number;
}

export interface UsageLines {
  storage: UsageLine;
  transcriptionMinutes: UsageLine;
  scheduledPosts: UsageLine;
  socialAccounts: UsageLine;
  seats: UsageLine;
}

/** One meter per plan limit; the numbers come from the quota service (billing.getUsage or the dashboard). */
export function UsageMeters({ usage, className = "usage-meters" }: { usage: UsageLines; className?: string }) {
  const lines = [
    { label: "Storage", line: usage.storage, show: (n: number) => formatBytes(n) },
    { label: "Transcription this month", line: usage.transcriptionMinutes, show: (n: number) => `${n} min` },
    { label: "Scheduled posts this month", line: usage.scheduledPosts, show: (n: number) => String(n) },
    { label: "Social accounts", line: usage.socialAccounts, show: (n: number) => String(n) },
    { label: "Seats", line: usage.seats, show: (n: number) => String(n) },
  ];
  return (
    <ul className={className}>
      {lines.map(({ label, line, show }) => (
        <li key={label}>
          <span>{label}</span>
          <meter min={0} max={line.limit} value={Math.min(line.used, line.limit)} aria-label={label} />
          <span className="nowrap">{`${show(line.used)} of ${show(line.limit)}`}</span>
        </li>
      ))}
    </ul>
  );
}
