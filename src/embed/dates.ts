// "3 days ago" as the text, the full date in the reader's time zone as its tooltip; the
// datetime attribute (UTC, from the server) stays the source.
const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

export interface DateText {
  text: string;
  title: string;
}

export function relativeDates(lang: string): (iso: string) => DateText | null {
  const relative = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const absolute = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' });
  const now = Date.now();
  return (iso) => {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return null;
    const seconds = (date.getTime() - now) / 1000;
    const [unit, size] = units.find(([, s]) => Math.abs(seconds) >= s) ?? ['second', 1];
    return { text: relative.format(Math.round(seconds / size), unit), title: absolute.format(date) };
  };
}
