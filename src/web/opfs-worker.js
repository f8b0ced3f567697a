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

// Each 'write' message keeps its ArrayBuffer alive until the MessageEvent that carried it is
// collected, and Blink collects events only in a full (mark-compact) collection: scavenges do
// not free them. V8 starts a full collection when its count of external memory has grown by
// about 64 MiB since the last one, so the dead buffers piled up to that much (the renderer
// peaked near 220 MiB during a 1 GiB download; with gc() forced every 16 writes in a
// diagnostic build, 167 MiB). After each write the worker allocates, and drops at once, an
// untouched ArrayBuffer 15 times the write's size: V8 counts it as external memory, so a full
// collection comes after about 4 MiB of real garbage, while the untouched buffer itself costs
// address space, not resident memory (a fresh zero mapping). docs/web.md has the figures.
const PressureFactor = 15;
let pressure = null;
function signalGarbage(bytes) {
    pressure = new ArrayBuffer(bytes * PressureFactor);
    pressure = null;
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
            signalGarbage(bytes.byteLength);
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
