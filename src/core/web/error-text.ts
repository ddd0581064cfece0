/**
 * An error's message for a sentence about a failed web call, with its cause when the cause says
 * more (fetch's "fetch failed: getaddrinfo ENOTFOUND …"), without a trailing full stop.
 */
export function errorText(error: unknown): string {
  const text = (value: unknown): string => {
    const message = typeof value === 'object' && value !== null ? (value as { message?: unknown }).message : undefined;
    return typeof message === 'string' ? message : '';
  };
  const own = text(error) || String(error);
  const cause = typeof error === 'object' && error !== null ? text((error as { cause?: unknown }).cause) : '';
  return (cause && cause !== own ? `${own}: ${cause}` : own).replace(/\s*\.+\s*$/, '');
}
