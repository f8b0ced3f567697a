// Roomshare's browser client: the EnableX file-share API (sendFiles, availableFiles,
// recvFiles, cancelUploads, cancelDownloads, the fs-upload-result / fs-download-result
// events) over docs/protocol.md on one WebSocket. Browsers have no data channel, so the
// data messages travel as binary WebSocket messages, which the server accepts.
//
// Memory stays flat: an upload reads its File one 256 KiB slice at a time and keeps at most
// UploadWindow bytes unacknowledged; a download is written to the origin-private file system
// (OPFS) as it arrives and handed out as a disk-backed File once its SHA-256 matched. See
// docs/web.md for what each browser family gets.
//
// Needs the hash-wasm UMD builds (sha256.js, crc32.js) loaded first: globalThis.hashwasm.

const ChunkSize = 256 * 1024;
const HeaderSize = 20;
const UploadWindow = 8 * 1024 * 1024;
const DownloadAckEvery = 1024 * 1024;
const KindUpload = 0x01;
const KindDownload = 0x02;
const FlagCrc32c = 0x02;
const Crc32cPolynomial = 0x82f63b78;
const ReconnectWindowMs = 60000;
// Close codes after which the session is over (docs/protocol.md, "Close codes").
const FinalCloseCodes = new Set([1008, 1009, 4001, 4003, 4004, 4005, 4029]);

export const ErrorCode = Object.freeze({
    None: 0, RoomDisconnected: 1180, FileNotAvailable: 1181, UploadFailed: 1182,
    DownloadFailed: 1183, EmptyFileList: 1185, FileTooLarge: 1187, InvalidInvite: 1188,
    InvalidRequest: 1189, UnknownJob: 1190, IntegrityError: 1191, Cancelled: 1192,
    FileWithdrawn: 1193, StorageError: 1194, LocalFileError: 1195, LimitExceeded: 1196,
    ConnectionLost: 1197, ProtocolError: 1198, NotPermitted: 1199,
});

// The same words as src/common/errors.cpp: `error` is the title, `desc` the sentence.
const ErrorTitles = {
    1180: 'room is disconnected', 1181: 'file not available', 1182: 'file upload failed',
    1183: 'file download failed', 1185: 'file upload failed', 1187: 'file upload failed',
    1188: 'invalid invite', 1189: 'invalid request', 1190: 'unknown job',
    1191: 'integrity check failed', 1192: 'cancelled', 1193: 'file withdrawn',
    1194: 'file upload failed', 1195: 'local file error', 1196: 'limit exceeded',
    1197: 'connection lost', 1198: 'protocol error', 1199: 'not permitted',
};
const ErrorTexts = {
    1180: 'File sharing is not allowed on disconnected rooms',
    1181: 'The file is not available', 1182: 'The file upload failed',
    1183: 'The file download failed', 1185: 'file upload failed because file list is empty',
    1187: 'The file is larger than the room allows', 1188: 'The invite link is not valid',
    1189: 'The request is not valid', 1190: 'There is no transfer with that id',
    1191: 'The file arrived damaged (checksum mismatch)', 1192: 'The transfer was cancelled',
    1193: 'The file is no longer available', 1194: 'The server could not store the file',
    1195: 'The local file could not be read or written', 1196: 'A server limit was exceeded',
    1197: 'The connection to the room was lost', 1198: 'The peer broke the protocol',
    1199: 'This action is not permitted',
};

export function errorObject(code, desc) {
    return { result: code, error: ErrorTitles[code] || 'error', desc: desc || ErrorTexts[code] || '' };
}

function envelope(messageType, code, description, response, reason) {
    const o = { messageType, result: code, description, response };
    if (code !== ErrorCode.None) {
        o.error = ErrorTitles[code] || 'error';
        o.desc = reason || ErrorTexts[code] || '';
    }
    return o;
}

function statusWord(status) {
    return status === 'pending' || status === 'running' ? 'started' : status;
}

//! Parses `http(s)://HOST:PORT/#ROOM?token=...` (the fragment of a web invite link).
export function parseWebLink(href) {
    const url = new URL(href);
    const fragment = url.hash.replace(/^#/, '');
    const q = fragment.indexOf('?');
    const room = decodeURIComponent(q < 0 ? fragment : fragment.slice(0, q));
    const params = new URLSearchParams(q < 0 ? '' : fragment.slice(q + 1));
    const ws = (url.protocol === 'https:' ? 'wss://' : 'ws://') + url.host + '/';
    return { room, token: params.get('token') || '', webSocketUrl: ws, params };
}

//! The payload of a JWS, undecoded and unverified: only to show the room and the name.
export function peekToken(token) {
    try {
        const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
        const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
        return JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
        return null;
    }
}

//! Why a page without OPFS refuses downloads (docs/web.md, "Memory").
export const NoDiskStorageText = 'This page cannot save downloads: browsers allow writing files to disk only on '
    + 'https:// pages (or on localhost), and this one was opened over plain http://. Ask the host for the '
    + 'https:// link; holding the file in memory instead could exhaust it.';

// The CRC-32C of A followed by B from CRC(A), CRC(B) and B's length (docs/protocol.md,
// "Uploads"): the whole file's CRC for upload-end, composed from the chunks' CRCs. Polynomials
// over GF(2) modulo P in the CRC's reflected bit order (bit 31 is x^0): appending n zero bytes
// multiplies the register by x^(8n) mod P.
function multiplyModP(a, b) {
    let product = 0;
    for (let bit = 0x80000000; bit !== 0; bit >>>= 1) {
        if (a & bit)
            product ^= b;
        b = (b & 1) ? (b >>> 1) ^ Crc32cPolynomial : b >>> 1;
    }
    return product >>> 0;
}

const powersOfTwo = [0x40000000]; // x^(2^k) mod P
for (let k = 1; k < 64; ++k)
    powersOfTwo.push(multiplyModP(powersOfTwo[k - 1], powersOfTwo[k - 1]));

export function crc32cCombine(crcA, crcB, lengthB) {
    if (lengthB <= 0)
        return crcA >>> 0;
    let op = 0x80000000; // x^0
    for (let k = 3, n = lengthB; n > 0 && k < 64; ++k, n = Math.floor(n / 2)) {
        if (n % 2)
            op = multiplyModP(op, powersOfTwo[k]);
    }
    return (multiplyModP(op, crcA) ^ crcB) >>> 0;
}

function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function opfsRoot() {
    if (!globalThis.isSecureContext || !navigator.storage || !navigator.storage.getDirectory)
        return null;
    try {
        const root = await navigator.storage.getDirectory();
        return await root.getDirectoryHandle('roomshare-downloads', { create: true });
    } catch (e) {
        return null;
    }
}

//! Calls into opfs-worker.js, which writes with synchronous access handles.
class OpfsWorker {
    constructor() {
        this._worker = new Worker('/opfs-worker.js');
        this._calls = new Map();
        this._next = 1;
        this._worker.onmessage = (e) => {
            const call = this._calls.get(e.data.id);
            this._calls.delete(e.data.id);
            if (call)
                e.data.ok ? call.resolve() : call.reject(new Error(e.data.error));
        };
    }

    call(message, transfer = []) {
        const id = this._next++;
        return new Promise((resolve, reject) => {
            this._calls.set(id, { resolve, reject });
            this._worker.postMessage({ ...message, id }, transfer);
        });
    }
}

//! Where a download's bytes go, best first: the origin-private file system through a worker's
//! synchronous access handle ('opfs-sync'), or OPFS through a writable stream ('opfs-stream';
//! Chromium keeps each write as a Blob until garbage collection). Without OPFS (not a secure
//! context) there is nowhere bounded to put a file: it throws NoDiskStorageText rather than
//! holding the file in memory. write(buffer, skip, at) may take ownership of buffer;
//! finish() gives the file as a Blob.
async function openSink(client, name) {
    if (client._storage && client._worker !== false && typeof Worker !== 'undefined') {
        try {
            client._worker = client._worker || new OpfsWorker();
            const worker = client._worker;
            await worker.call({ op: 'open', name });
            return {
                kind: 'opfs-sync',
                write: (buffer, skip, at) => worker.call({ op: 'write', name, data: buffer, skip, at }, [buffer]),
                finish: async () => {
                    await worker.call({ op: 'close', name });
                    return (await client._storage.getFileHandle(name)).getFile();
                },
                discard: () => worker.call({ op: 'abort', name }).catch(() => {}),
            };
        } catch (e) {
            client._worker = false; // no synchronous access handles here
        }
    }
    if (client._storage) {
        const handle = await client._storage.getFileHandle(name, { create: true });
        const writer = await handle.createWritable();
        return {
            kind: 'opfs-stream',
            write: (buffer, skip) => writer.write(new Uint8Array(buffer, skip)),
            finish: async () => {
                await writer.close();
                return handle.getFile();
            },
            discard: async () => {
                await writer.abort().catch(() => {});
                await client._storage.removeEntry(name).catch(() => {});
            },
        };
    }
    throw errorObject(ErrorCode.LocalFileError, NoDiskStorageText);
}

//! Starts jobs at most \a limit at a time, the others in order as slots free up: the server
//! allows 32 uploads and 32 downloads per session and refuses more with 1196, so a page
//! given 500 photos at once queues them, as the C++ library does (TransferQueue).
class Slots {
    constructor(limit) {
        this.limit = limit;
        this.running = new Set();
        this.waiting = [];
    }

    //! Calls start(job) now or once a slot frees; a job that left 'pending' meanwhile
    //! (cancelled) is skipped.
    enqueue(job, start) {
        this.waiting.push([job, start]);
        this._next();
    }

    release(job) {
        if (this.running.delete(job))
            this._next();
    }

    _next() {
        while (this.running.size < this.limit && this.waiting.length > 0) {
            const [job, start] = this.waiting.shift();
            if (job.status !== 'pending')
                continue;
            this.running.add(job);
            start(job);
        }
    }
}

//! One participant of one room. Events (addEventListener or on(name, fn)):
//! fs-upload-result, fs-download-result (detail: the EnableX JSON, as src/core emits it),
//! state-changed (detail: 'connecting'|'connected'|'reconnecting'|'disconnected'),
//! participants-changed, files-changed, transfer-progress (detail: the transfer record).
export class RoomshareClient extends EventTarget {
    constructor({ webSocketUrl, token, name }) {
        super();
        this.webSocketUrl = webSocketUrl;
        this.token = token;
        this.name = name || '';
        this.state = 'disconnected';
        this.clientId = '';
        this.participants = [];
        this.maxFileSize = 0;
        this._files = new Map();
        this._sessionId = '';
        this._rid = 1;
        this._replies = new Map();
        this._ws = null;
        this._nextJobId = 1;
        this._uploads = new Map(); // upJobId -> record
        this._downloads = new Map(); // jobId -> record
        this._byUploadId = new Map();
        this._byDownloadId = new Map();
        this._uploadSlots = new Slots(24);
        this._downloadSlots = new Slots(16);
        this._leaving = false;
        this._lostAt = 0;
        this._storage = null;
        this._crc = null;
        //! Verified downloads: {jobId, index, name, file} (file is disk-backed with OPFS).
        this.completedDownloads = [];
        //! Whether a verified download sends the sender a delivery receipt (docs/protocol.md,
        //! "Delivery receipts"): the user's choice; false means the server records nothing.
        this.deliveryReceipts = true;
        //! Receipts for this participant's own files: index -> [{clientId, name}], in order.
        this.deliveries = new Map();
    }

    on(name, fn) {
        this.addEventListener(name, (e) => fn(e.detail));
    }

    _emit(name, detail) {
        this.dispatchEvent(new CustomEvent(name, { detail }));
    }

    _setState(state) {
        if (this.state === state)
            return;
        this.state = state;
        this._emit('state-changed', state);
    }

    //! Resolves with the `joined` message once every page of the file list is in; rejects
    //! with an error object {result, error, desc}.
    async connect() {
        this._crc = this._crc || await hashwasm.createCRC32(Crc32cPolynomial);
        if (this._storage === null)
            this._storage = (await opfsRoot()) || false;
        //! Where the last download went: 'opfs-sync' or 'opfs-stream' (openSink()).
        this.downloadStorage = '';
        this._setState('connecting');
        return this._open(false);
    }

    _open(resume) {
        return new Promise((resolve, reject) => {
            const ws = new WebSocket(this.webSocketUrl);
            ws.binaryType = 'arraybuffer';
            this._ws = ws;
            let settled = false;
            ws.onopen = () => {
                const join = { type: 'join', version: 1, token: this.token };
                if (this.name)
                    join.name = this.name;
                if (resume && this._sessionId)
                    join.resume = this._sessionId;
                this._request(join).then(async (joined) => {
                    await this._onJoined(joined);
                    settled = true;
                    resolve(joined);
                }, (err) => {
                    settled = true;
                    reject(err);
                });
            };
            ws.onmessage = (e) => this._onMessage(e.data);
            ws.onclose = (e) => {
                if (this._ws !== ws)
                    return;
                this._ws = null;
                for (const [, r] of this._replies)
                    r.reject(errorObject(ErrorCode.RoomDisconnected));
                this._replies.clear();
                if (!settled && !resume) {
                    settled = true;
                    reject(errorObject(ErrorCode.RoomDisconnected,
                                       `The room's server closed the connection (${e.code} ${e.reason})`));
                    this._setState('disconnected');
                    return;
                }
                this._onDropped(e.code);
            };
        });
    }

    _send(message) {
        if (this._ws && this._ws.readyState === WebSocket.OPEN)
            this._ws.send(JSON.stringify(message));
    }

    _request(message) {
        message.rid = this._rid++;
        return new Promise((resolve, reject) => {
            if (!this._ws || this._ws.readyState !== WebSocket.OPEN) {
                reject(errorObject(ErrorCode.RoomDisconnected));
                return;
            }
            this._replies.set(message.rid, { resolve, reject });
            this._send(message);
        });
    }

    async _onJoined(joined) {
        const resumed = joined.resumed === true;
        this.clientId = joined.clientId;
        this._sessionId = joined.sessionId;
        this.name = joined.name;
        this.role = joined.role;
        this.room = joined.room;
        this.maxFileSize = joined.maxFileSize || 0;
        this.participants = joined.participants || [];
        const files = new Map();
        let page = joined;
        for (let pages = 0; ; ++pages) {
            for (const f of page.files || [])
                files.set(f.index, f);
            if (!page.more || pages > 10000)
                break;
            page = await this._request({ type: 'list', after: page.after });
        }
        const fresh = [...files.values()].filter((f) => !this._files.has(f.index));
        this._files = files;
        this._setState('connected');
        this._emit('participants-changed', this.participants);
        this._emit('files-changed', this.availableFiles);
        if (resumed || this._lostAt) {
            this._lostAt = 0;
            await this._resumeTransfers(resumed);
        }
        for (const f of fresh)
            this._emit('fs-download-result', envelope('download-available', 0, 'download-available',
                                                      { downloadStatus: 'available', downloadInfo: f }));
    }

    _onDropped(code) {
        if (this._leaving || FinalCloseCodes.has(code)) {
            this._setState('disconnected');
            this._failAll(code === 4001 || code === 4003 ? ErrorCode.InvalidInvite : ErrorCode.ConnectionLost);
            return;
        }
        if (!this._lostAt) {
            this._lostAt = Date.now();
            this._delay = 500;
        }
        this._setState('reconnecting');
        for (const u of this._uploads.values())
            u.inFlight = 0;
        if (Date.now() - this._lostAt > ReconnectWindowMs) {
            this._setState('disconnected');
            this._failAll(ErrorCode.ConnectionLost);
            return;
        }
        if (this._retryTimer)
            return;
        const delay = this._delay * (0.88 + Math.random() * 0.24);
        this._delay = Math.min(this._delay * 2, 8000);
        this._retryTimer = setTimeout(() => {
            this._retryTimer = 0;
            if (this.state !== 'reconnecting')
                return;
            // A refused resume closes the socket too; its close event tries again (or ends
            // the session for a final close code).
            this._open(true).catch(() => {
                if (this._ws)
                    this._ws.close(4998, 'resume refused');
            });
        }, delay);
    }

    _failAll(code) {
        for (const u of [...this._uploads.values()])
            this._finishUpload(u, 'failed', code);
        for (const d of [...this._downloads.values()])
            this._finishDownload(d, 'failed', code);
    }

    //! Leaves the room for good (uploads in progress are dropped by the server).
    disconnect() {
        this._leaving = true;
        this._send({ type: 'leave' });
        if (this._ws)
            this._ws.close(1000);
    }

    //! False where the browser gives the page no origin-private file system (plain http://
    //! to a LAN address): recvFiles() then fails with 1195 and NoDiskStorageText.
    get canSaveDownloads() {
        return Boolean(this._storage);
    }

    get availableFiles() {
        return [...this._files.values()].sort((a, b) => a.index - b.index);
    }

    _onMessage(data) {
        if (typeof data !== 'string') {
            this._onChunk(data);
            return;
        }
        let m;
        try {
            m = JSON.parse(data);
        } catch (e) {
            return;
        }
        if (m.rid !== undefined && this._replies.has(m.rid)) {
            const r = this._replies.get(m.rid);
            this._replies.delete(m.rid);
            if (m.type === 'error')
                r.reject(errorObject(m.code, m.desc));
            else
                r.resolve(m);
            return;
        }
        switch (m.type) {
        case 'participant-joined':
            this.participants = this.participants.filter((p) => p.clientId !== m.participant.clientId);
            this.participants.push(m.participant);
            this._emit('participants-changed', this.participants);
            break;
        case 'participant-left':
            this.participants = this.participants.filter((p) => p.clientId !== m.clientId);
            this._emit('participants-changed', this.participants);
            break;
        case 'file-available':
            this._files.set(m.file.index, m.file);
            this._emit('files-changed', this.availableFiles);
            this._emit('fs-download-result', envelope('download-available', 0, 'download-available',
                                                      { downloadStatus: 'available', downloadInfo: m.file }));
            break;
        case 'file-removed':
            this._files.delete(m.index);
            this._emit('files-changed', this.availableFiles);
            break;
        case 'file-delivered': {
            const list = this.deliveries.get(m.index) || [];
            if (!list.some((r) => r.clientId === m.clientId))
                list.push({ clientId: m.clientId, name: m.name });
            this.deliveries.set(m.index, list);
            // The C++ library's event, field for field (src/core/room_moderation.cpp).
            this._emit('fs-upload-result', { messageType: 'file-delivered', result: 0, description: 'file delivered',
                                             response: { index: m.index, clientId: m.clientId, name: m.name } });
            this._emit('deliveries-changed', { index: m.index, deliveredTo: list });
            break;
        }
        case 'upload-ack': this._onUploadAck(m); break;
        case 'upload-nack': this._onUploadNack(m); break;
        case 'upload-done': this._onUploadDone(m); break;
        case 'upload-failed': {
            const u = this._byUploadId.get(m.uploadId);
            if (u)
                this._finishUpload(u, 'failed', m.code, m.desc);
            break;
        }
        case 'download-end': {
            const d = this._byDownloadId.get(m.downloadId);
            if (d) {
                d.endReceived = true;
                this._maybeCompleteDownload(d);
            }
            break;
        }
        case 'download-failed': {
            const d = this._byDownloadId.get(m.downloadId);
            if (d)
                this._finishDownload(d, 'failed', m.code, m.desc);
            break;
        }
        default:
            break;
        }
    }

    // ---- uploads ----

    //! The EnableX sendFiles: \a files is a FileList or an array of File; \a options
    //! {broadcast (default true), clientList}. \a callback gets the error object once when
    //! the whole request is refused, else once per file with its final upload-completed or
    //! upload-failed object. Returns the upJobIds.
    sendFiles(files, options = {}, callback = () => {}) {
        const list = Array.from(files || []);
        if (this.state !== 'connected' && this.state !== 'reconnecting') {
            callback(errorObject(ErrorCode.RoomDisconnected));
            return [];
        }
        if (list.length === 0) {
            callback(errorObject(ErrorCode.EmptyFileList));
            return [];
        }
        const broadcast = options.broadcast !== false;
        const clientList = broadcast ? [] : (options.clientList || []).filter((c) => c !== this.clientId);
        if (!broadcast && clientList.length === 0) {
            callback(errorObject(ErrorCode.InvalidRequest, 'No recipients: clientList names no other participant'));
            return [];
        }
        const ids = [];
        for (const file of list) {
            const u = {
                id: this._nextJobId++, direction: 'upload', file, name: file.name, size: file.size,
                mimeType: file.type || 'application/octet-stream', broadcast, clientList,
                status: 'pending', uploadId: 0, sent: 0, acked: 0, hashedTo: 0, inFlight: 0,
                hasher: null, sha256: '', startedAt: 0, callback, pumping: false, announced: null,
            };
            this._uploads.set(u.id, u);
            ids.push(u.id);
            this._emitWaiting(u);
            this._uploadSlots.enqueue(u, (job) => this._beginUpload(job));
        }
        return ids;
    }

    _uploadEvent(u, code = 0, reason = '') {
        const info = { upJobId: u.id, name: u.name, size: u.size, type: u.mimeType };
        if (u.announced) {
            info.index = u.announced.index;
            info.createdAt = u.announced.createdAt;
            info.expiresAt = u.announced.expiresAt;
            info.sha256 = u.announced.sha256;
            info.speed = u.speed || 0;
        }
        const word = statusWord(u.status);
        return envelope('upload-' + word, code, 'upload ' + word,
                        { uploadStatus: word, upJobId: u.id, uploadInfo: info }, reason);
    }

    async _beginUpload(u) {
        try {
            u.hasher = await hashwasm.createSHA256();
            u.hasher.init();
            const begin = { type: 'upload-begin', name: u.name, size: u.size, mime: u.mimeType, broadcast: u.broadcast };
            if (!u.broadcast)
                begin.clientList = u.clientList;
            const accepted = await this._request(begin);
            if (u.status === 'cancelled')
                return this._cancelOnServer(u, accepted.uploadId);
            u.uploadId = accepted.uploadId;
            this._byUploadId.set(u.uploadId, u);
            u.status = 'running';
            u.startedAt = performance.now();
            this._emit('fs-upload-result', this._uploadEvent(u));
            this._pump(u);
        } catch (err) {
            this._finishUpload(u, 'failed', err.result || ErrorCode.UploadFailed, err.desc);
        }
    }

    async _cancelOnServer(u, uploadId) {
        try {
            await this._request({ type: 'upload-cancel', uploadId });
        } catch (e) {
            // Gone already (finished, failed, or the connection dropped): nothing to undo.
        }
    }

    async _pump(u) {
        if (u.pumping)
            return;
        u.pumping = true;
        try {
            while (u.status === 'running' && this._ws && this._ws.readyState === WebSocket.OPEN
                   && u.sent < u.size && u.sent - u.acked < UploadWindow) {
                const offset = u.sent;
                const end = Math.min(offset + ChunkSize, u.size);
                let bytes;
                try {
                    bytes = new Uint8Array(await u.file.slice(offset, end).arrayBuffer());
                } catch (e) {
                    this._finishUpload(u, 'failed', ErrorCode.LocalFileError, String(e));
                    return;
                }
                if (u.status !== 'running' || u.sent !== offset)
                    continue; // cancelled, nacked or resumed meanwhile: read again from there
                if (!this._ws || this._ws.readyState !== WebSocket.OPEN)
                    break; // dropped while reading: the resume pumps again
                const crc = this._crc32c(bytes);
                if (end > u.hashedTo) {
                    // Bytes sent again after a nack or a resume are not hashed twice.
                    const skip = Math.max(0, u.hashedTo - offset);
                    u.hasher.update(bytes.subarray(skip));
                    u.crc32c = crc32cCombine(u.crc32c || 0,
                                             skip ? this._crc32c(bytes.subarray(skip)) : crc,
                                             end - offset - skip);
                    u.hashedTo = end;
                }
                this._ws.send(this._chunk(KindUpload, u.uploadId, offset, bytes, crc));
                u.sent = end;
                // The socket's own queue counts too: the window is about memory.
                while (this._ws && this._ws.bufferedAmount > 2 * ChunkSize)
                    await new Promise((r) => setTimeout(r, 5));
            }
            if (u.status === 'running' && u.sent === u.size && !u.endSent && this._ws) {
                if (u.hashedTo === u.size && !u.sha256)
                    u.sha256 = hex(u.hasher.digest('binary'));
                u.endSent = true;
                this._send({ type: 'upload-end', uploadId: u.uploadId, sha256: u.sha256,
                             crc32c: u.crc32c || 0 });
            }
        } finally {
            u.pumping = false;
        }
    }

    _crc32c(bytes) {
        this._crc.init();
        this._crc.update(bytes);
        return parseInt(this._crc.digest('hex'), 16);
    }

    _chunk(kind, transferId, offset, payload, crc) {
        const buffer = new ArrayBuffer(HeaderSize + payload.byteLength);
        const view = new DataView(buffer);
        view.setUint8(0, kind);
        view.setUint8(1, FlagCrc32c);
        view.setUint32(4, transferId);
        view.setBigUint64(8, BigInt(offset));
        view.setUint32(16, crc);
        new Uint8Array(buffer, HeaderSize).set(payload);
        return buffer;
    }

    //! A row for a job that waits for a slot (shown as "Waiting").
    _emitWaiting(t) {
        this._emit('transfer-progress', { id: t.id, direction: t.direction, name: t.name, size: t.size, done: 0, speed: 0, status: 'pending' });
    }

    _progress(t) {
        const now = performance.now();
        const done = t.direction === 'upload' ? t.acked : t.received;
        const seconds = (now - t.startedAt) / 1000;
        t.speed = seconds > 0.05 ? Math.round((done - (t.resumedFrom || 0)) / seconds) : 0;
        if (!t.lastProgress || now - t.lastProgress > 100 || done === t.size) {
            t.lastProgress = now;
            this._emit('transfer-progress', { id: t.id, direction: t.direction, name: t.name, size: t.size, done, speed: t.speed, status: t.status });
        }
    }

    _onUploadAck(m) {
        const u = this._byUploadId.get(m.uploadId);
        if (!u || m.offset <= u.acked)
            return;
        u.acked = Math.min(m.offset, u.size);
        this._progress(u);
        this._pump(u);
    }

    _onUploadNack(m) {
        const u = this._byUploadId.get(m.uploadId);
        if (!u)
            return;
        u.sent = m.offset;
        u.acked = Math.min(u.acked, m.offset);
        u.endSent = false;
        this._pump(u);
    }

    _onUploadDone(m) {
        const u = this._byUploadId.get(m.uploadId);
        if (!u)
            return;
        u.announced = m.file;
        u.acked = u.size;
        this._progress(u);
        this._finishUpload(u, 'completed');
    }

    _finishUpload(u, status, code = 0, reason = '') {
        if (u.status === 'completed' || u.status === 'failed' || (u.status === 'cancelled' && status !== 'cancelled'))
            return;
        u.status = status;
        this._uploadSlots.release(u);
        this._uploads.delete(u.id);
        this._byUploadId.delete(u.uploadId);
        const event = this._uploadEvent(u, status === 'cancelled' ? ErrorCode.Cancelled : code, reason);
        this._emit('fs-upload-result', event);
        this._emit('transfer-progress', { id: u.id, direction: 'upload', name: u.name, size: u.size, done: u.acked, speed: u.speed || 0, status });
        if (status !== 'cancelled')
            u.callback(event);
    }

    //! The EnableX cancelUploads: cancels upload \a id, or every running one when
    //! \a cancelAll. \a callback gets {result: 0, description, response: {cancelled: [ids]}}
    //! or an error object (1190 unknown job).
    cancelUploads(id, cancelAll = false, callback = () => {}) {
        const targets = cancelAll ? [...this._uploads.values()] : [this._uploads.get(id)].filter(Boolean);
        if (targets.length === 0 && !cancelAll) {
            callback(errorObject(ErrorCode.UnknownJob));
            return;
        }
        const ids = [];
        for (const u of targets) {
            ids.push(u.id);
            const uploadId = u.uploadId;
            this._finishUpload(u, 'cancelled');
            if (uploadId)
                this._cancelOnServer(u, uploadId);
        }
        callback({ result: 0, description: 'upload-cancelled', response: { cancelled: ids } });
    }

    // ---- downloads ----

    //! The EnableX recvFiles: downloads file \a index. \a callback gets `download-success`
    //! ({response: {jobId, index, name, type, size, path}}, where `path` is a blob: URL of the
    //! verified file) or an error object. Returns the jobId, or -1 when refused at once.
    recvFiles(index, options = {}, callback = () => {}) {
        if (this.state !== 'connected') {
            callback(errorObject(ErrorCode.RoomDisconnected));
            return -1;
        }
        const file = this._files.get(index);
        if (!file) {
            // As the C++ library: refused at once, no job and no event.
            callback(errorObject(ErrorCode.FileNotAvailable, `No file ${index} is available to you`));
            return -1;
        }
        const d = {
            id: this._nextJobId++, direction: 'download', index, name: file.name,
            size: file.size, mimeType: file.type, sha256: file.sha256,
            status: 'pending', downloadId: 0, received: 0, ackedTo: 0, hasher: null, sink: null,
            endReceived: false, startedAt: 0, callback, path: '',
            queue: Promise.resolve(),
        };
        this._downloads.set(d.id, d);
        this._emitWaiting(d);
        this._downloadSlots.enqueue(d, (job) => this._beginDownload(job, false));
        return d.id;
    }

    _downloadEvent(d, code = 0, reason = '') {
        const info = { name: d.name, size: d.size, index: d.index };
        if (d.status === 'completed') {
            info.path = d.path;
            info.speed = d.speed || 0;
        }
        const word = statusWord(d.status);
        return envelope('download-' + word, code, 'download-' + word,
                        { downloadStatus: word, jobId: d.id, downloadInfo: info }, reason);
    }

    async _beginDownload(d, resuming) {
        try {
            if (!resuming) {
                d.hasher = await hashwasm.createSHA256();
                d.hasher.init();
                d.sink = await openSink(this, `job-${d.id}-${Date.now()}.part`);
                this.downloadStorage = d.sink.kind;
            }
            const accepted = await this._request({ type: 'download-begin', index: d.index, offset: d.received });
            if (d.status === 'cancelled') {
                this._send({ type: 'download-cancel', rid: this._rid++, downloadId: accepted.downloadId });
                await this._discard(d); // opened after the cancel had discarded nothing
                return;
            }
            this._byDownloadId.delete(d.downloadId);
            d.downloadId = accepted.downloadId;
            d.size = accepted.size;
            d.sha256 = accepted.sha256;
            d.endReceived = false;
            this._byDownloadId.set(d.downloadId, d);
            if (resuming) {
                this._emit('fs-download-result', envelope('download-resumed', 0, 'download resumed', { jobId: d.id, offset: d.received }));
            } else {
                d.status = 'running';
                d.startedAt = performance.now();
                this._emit('fs-download-result', this._downloadEvent(d));
            }
            this._maybeCompleteDownload(d);
        } catch (err) {
            if (d.status === 'cancelled')
                await this._discard(d);
            this._finishDownload(d, 'failed', err.result || ErrorCode.DownloadFailed, err.desc);
        }
    }

    _onChunk(buffer) {
        if (buffer.byteLength < HeaderSize)
            return;
        const view = new DataView(buffer);
        if (view.getUint8(0) !== KindDownload)
            return;
        const d = this._byDownloadId.get(view.getUint32(4));
        if (!d || d.status !== 'running')
            return; // in flight for a cancelled or replaced download
        const offset = Number(view.getBigUint64(8));
        const payload = new Uint8Array(buffer, HeaderSize);
        if (offset !== d.received || offset + payload.byteLength > d.size) {
            this._finishDownload(d, 'failed', ErrorCode.ProtocolError, `A chunk arrived at ${offset}, expected ${d.received}`);
            return;
        }
        if (!(view.getUint8(1) & FlagCrc32c))
            return this._finishDownload(d, 'failed', ErrorCode.IntegrityError, 'A chunk carried no CRC-32C');
        this._crc.init();
        this._crc.update(payload);
        if (parseInt(this._crc.digest('hex'), 16) !== view.getUint32(16))
            return this._finishDownload(d, 'failed', ErrorCode.IntegrityError, 'A chunk failed its CRC-32C');
        d.received += payload.byteLength;
        d.hasher.update(payload);
        const downloadId = d.downloadId;
        const end = d.received;
        // Writes are queued in order; the server is acknowledged only once bytes are written,
        // so at most DownloadWindow bytes wait in memory.
        d.queue = d.queue.then(async () => {
            if (!d.sink)
                return; // discarded meanwhile
            await d.sink.write(buffer, HeaderSize, offset);
            d.written = end;
            if (end - d.ackedTo >= DownloadAckEvery || end === d.size) {
                d.ackedTo = end;
                if (d.downloadId === downloadId)
                    this._send({ type: 'download-ack', downloadId, offset: end });
            }
            this._progress(d);
            this._maybeCompleteDownload(d);
        }).catch((e) => this._finishDownload(d, 'failed', ErrorCode.LocalFileError, String(e)));
    }

    async _maybeCompleteDownload(d) {
        if (d.status !== 'running' || !d.endReceived || d.written !== d.size || d.completing)
            return;
        if (d.size === 0)
            d.written = 0;
        d.completing = true;
        const digest = hex(d.hasher.digest('binary'));
        if (digest !== d.sha256)
            return this._finishDownload(d, 'failed', ErrorCode.IntegrityError, 'The file\'s SHA-256 does not match');
        if (!d.sink)
            return; // cancelled meanwhile
        const file = await d.sink.finish();
        d.sink = null;
        if (this.deliveryReceipts)
            this._request({ type: 'download-verified', index: d.index }).catch(() => {}); // a file withdrawn meanwhile
        d.file = new File([file], d.name, { type: d.mimeType || 'application/octet-stream' });
        this.completedDownloads.push({ jobId: d.id, index: d.index, name: d.name, file: d.file });
        d.path = URL.createObjectURL(d.file);
        this._finishDownload(d, 'completed');
    }

    async _finishDownload(d, status, code = 0, reason = '') {
        if (d.status === 'completed' || d.status === 'failed' || d.status === 'cancelled')
            return;
        const wasRunning = d.downloadId && this._byDownloadId.get(d.downloadId) === d;
        d.status = status;
        this._downloadSlots.release(d);
        this._downloads.delete(d.id);
        this._byDownloadId.delete(d.downloadId);
        if (status !== 'completed') {
            if (wasRunning && status === 'cancelled')
                this._request({ type: 'download-cancel', downloadId: d.downloadId }).catch(() => {});
            await this._discard(d);
        }
        const event = this._downloadEvent(d, status === 'cancelled' ? ErrorCode.Cancelled : code, reason);
        this._emit('fs-download-result', event);
        this._emit('transfer-progress', { id: d.id, direction: 'download', name: d.name, size: d.size, done: d.received, speed: d.speed || 0, status, path: d.path, file: d.file });
        if (status === 'completed')
            d.callback(envelope('download-success', 0, 'download-success', {
                downloadStatus: 'success', jobId: d.id, index: d.index, name: d.name, type: d.mimeType, size: d.size, path: d.path,
            }));
        else if (status === 'failed')
            d.callback(errorObject(code, reason));
    }

    async _discard(d) {
        const sink = d.sink;
        d.sink = null;
        if (sink)
            await sink.discard();
    }

    //! The EnableX cancelDownloads: cancels download \a id, or every running one when
    //! \a cancelAll. \a callback as for cancelUploads.
    cancelDownloads(id, cancelAll = false, callback = () => {}) {
        const targets = cancelAll ? [...this._downloads.values()] : [this._downloads.get(id)].filter(Boolean);
        if (targets.length === 0 && !cancelAll) {
            callback(errorObject(ErrorCode.UnknownJob));
            return;
        }
        const ids = targets.map((d) => d.id);
        for (const d of targets)
            this._finishDownload(d, 'cancelled');
        callback({ result: 0, description: 'download-cancelled', response: { cancelled: ids } });
    }

    //! Frees a completed download's storage (its blob: URL stops working).
    async forgetDownload(record) {
        if (record.path)
            URL.revokeObjectURL(record.path);
    }

    // ---- reconnection ----

    async _resumeTransfers(resumed) {
        for (const u of [...this._uploads.values()]) {
            if (u.status !== 'running')
                continue;
            if (!resumed) {
                this._finishUpload(u, 'failed', ErrorCode.ConnectionLost, 'The session could not be resumed');
                continue;
            }
            try {
                const answer = await this._request({ type: 'upload-resume', uploadId: u.uploadId });
                if (answer.type === 'upload-done') {
                    this._onUploadDone(answer);
                    continue;
                }
                u.sent = answer.offset;
                u.acked = answer.offset;
                u.endSent = false;
                this._emit('fs-upload-result', envelope('upload-resumed', 0, 'upload resumed', { upJobId: u.id, offset: answer.offset }));
                this._pump(u);
            } catch (err) {
                this._finishUpload(u, 'failed', err.result || ErrorCode.UploadFailed, err.desc);
            }
        }
        for (const d of [...this._downloads.values()]) {
            if (d.status !== 'running')
                continue;
            // Chunks of the old download id are ignored from here on; continue at what
            // has been written (what is still queued will be written first).
            await d.queue;
            this._byDownloadId.delete(d.downloadId);
            d.received = d.written || 0;
            this._beginDownload(d, true);
        }
    }
}
