/**
 * Sites a link in the studio may open in the user's browser: the papers and projects the
 * studio cites. Anything else a page asks to open (another scheme, another host, a URL with
 * credentials or an odd port) is refused, so a compromised page cannot launch arbitrary URLs.
 */
export const EXTERNAL_HOSTS = ['arxiv.org', 'papers.nips.cc', 'github.com', 'www.tensorflow.org', 'js.tensorflow.org', 'onnx.ai', 'onnxruntime.ai'] as const;

export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && parsed.port === '' && (EXTERNAL_HOSTS as readonly string[]).includes(parsed.hostname);
}
