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

// V8 frees a dead ArrayBuffer's memory when a collection finds it, and this worker's heap of
// small objects fills so slowly that its young-generation collector would hardly run: the
// 256 KiB messages written here waited for the external-memory limit instead (the page's
// renderer peaked near 300 MiB during a 1 GiB download). 128 KiB of short-lived objects per
// write make a scavenge come every few MiB (about 215 MiB peak, measured by
// tests/web/browser.test.mjs; docs/web.md).
function churn() {
    let sum = 0;
    for (let i = 0; i < 4; ++i)
        sum += new Array(4096).fill(i).length;
    return sum;
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
            churn();
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
