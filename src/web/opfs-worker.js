// Writes downloads into the origin-private file system from a dedicated worker, with
// synchronous access handles: the bytes go straight to the file. (A FileSystemWritableFileStream
// turns every write into a Blob held by the browser process until the page's garbage
// collector frees its handle: over 1 GiB that was more than 1 GiB of browser memory.)
// Messages: {id, op: 'open'|'write'|'close'|'abort', name, data, skip, at}; answers {id, ok, error}.
'use strict';

const handles = new Map();

async function folder() {
    const root = await navigator.storage.getDirectory();
    return root.getDirectoryHandle('roomshare-downloads', { create: true });
}

self.onmessage = async (event) => {
    const { id, op, name } = event.data;
    try {
        if (op === 'open') {
            const file = await (await folder()).getFileHandle(name, { create: true });
            const handle = await file.createSyncAccessHandle();
            handle.truncate(0);
            handles.set(name, handle);
        } else if (op === 'write') {
            const handle = handles.get(name);
            const bytes = new Uint8Array(event.data.data, event.data.skip);
            for (let done = 0; done < bytes.length;)
                done += handle.write(bytes.subarray(done), { at: event.data.at + done });
        } else if (op === 'close') {
            const handle = handles.get(name);
            handle.flush();
            handle.close();
            handles.delete(name);
        } else if (op === 'abort') {
            const handle = handles.get(name);
            if (handle)
                handle.close();
            handles.delete(name);
            await (await folder()).removeEntry(name).catch(() => {});
        }
        self.postMessage({ id, ok: true });
    } catch (error) {
        self.postMessage({ id, ok: false, error: String(error) });
    }
};
