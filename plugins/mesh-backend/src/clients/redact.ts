/**
 * A URL as it may be shown: user and password replaced by `***`, so a
 * Prometheus URL of the form `https://user:pass@host` never reaches an error
 * text, a log line, a cache entry or a search document.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '***';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    return redactCredentials(url);
  }
}

/** Replaces every `scheme://user:pass@` in a text by `scheme://***@`. */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
}
