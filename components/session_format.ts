/** An ISO time as a short, locale-independent UTC date and time ("2025-01-01 09:30 UTC"). */
export function formatDateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
