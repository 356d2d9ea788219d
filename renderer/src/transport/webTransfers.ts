/**
 * Web mode's HTTP transfers beside the socket (main/webTransfers.ts): files go up one request
 * each, exports come down as a zip. The page's own address carries the access token both need.
 */
const token = () => new URLSearchParams(window.location.search).get('token') ?? '';

export function transferUrl(path: '/upload' | '/download', params: Record<string, string>): string {
  return `${path}?${new URLSearchParams({ ...params, token: token() }).toString()}`;
}

/**
 * Sends one file into upload `upload` at `path`; resolves when stored, rejects with the server's
 * reason. `onBytes` hears how much of this file has gone; `signal` stops it.
 */
export function uploadFile(upload: string, path: string, file: Blob, onBytes: (sent: number) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', transferUrl('/upload', { upload, path }));
    request.upload.onprogress = (event) => onBytes(event.loaded);
    request.onload = () => (request.status === 200 ? resolve() : reject(new Error(request.responseText || `the studio answered ${request.status}`)));
    request.onerror = () => reject(new Error(`${path} could not be sent: the connection to the studio failed`));
    request.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    signal.addEventListener('abort', () => request.abort(), { once: true });
    request.send(file);
  });
}
