// The room page: joins with the invite in the URL fragment and drives a RoomshareClient.
import { NoDiskStorageText, RoomshareClient, parseWebLink, peekToken } from './roomshare.js';

const $ = (id) => document.getElementById(id);
const rows = new Map(); // transfer key -> row element

function formatSize(bytes) {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
        value /= 1000;
        ++unit;
    }
    return (unit === 0 ? String(value) : value.toFixed(value < 10 ? 1 : 0)) + ' ' + units[unit];
}

function formatDuration(seconds) {
    if (!isFinite(seconds))
        return '';
    if (seconds < 60)
        return `${Math.ceil(seconds)} s left`;
    return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s left`;
}

function setStatus(text) {
    $('status').textContent = text;
}

let noticeTimer = 0;
function notice(text) {
    $('notice').textContent = text;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { $('notice').textContent = ''; }, 6000);
}

function element(tag, props = {}, ...children) {
    const e = document.createElement(tag);
    Object.assign(e, props);
    for (const c of children)
        e.append(c);
    return e;
}

function renderParticipants(client) {
    const list = $('participants');
    const ticked = new Set([...list.querySelectorAll('input:checked')].map((i) => i.value));
    list.replaceChildren();
    for (const p of client.participants) {
        if (p.clientId === client.clientId)
            continue;
        const box = element('input', { type: 'checkbox', value: p.clientId, checked: ticked.has(p.clientId) });
        box.addEventListener('change', () => {
            if (box.checked)
                document.querySelector('input[name=to][value=chosen]').checked = true;
        });
        list.append(element('li', {}, element('label', {}, box, ' ' + p.name + (p.role === 'moderator' ? ' (host)' : ''))));
    }
    if (list.children.length === 0)
        list.append(element('li', { textContent: 'Nobody else is here yet.' }));
}

function renderFiles(client) {
    const body = $('files').querySelector('tbody');
    body.replaceChildren();
    const files = client.availableFiles;
    $('files').hidden = files.length === 0;
    $('no-files').hidden = files.length !== 0;
    for (const f of files) {
        const button = element('button', { type: 'button', textContent: 'Download' });
        button.setAttribute('aria-label', `Download ${f.name}`);
        button.addEventListener('click', () => client.recvFiles(f.index, {}, (r) => {
            if (r.result !== 0)
                notice(`${f.name}: ${r.desc}`);
        }));
        const row = element('tr', {},
                            element('td', { textContent: f.name }),
                            element('td', { textContent: f.sender }),
                            element('td', { textContent: formatSize(f.size) }),
                            element('td', { textContent: new Date(f.createdAt).toLocaleTimeString() }),
                            element('td', {}, button));
        row.dataset.index = f.index;
        body.append(row);
    }
}

function transferRow(client, t) {
    const key = t.direction + t.id;
    let row = rows.get(key);
    if (!row) {
        const cancel = element('button', { type: 'button', textContent: 'Cancel', className: 'cancel' });
        cancel.setAttribute('aria-label', `Cancel ${t.direction} of ${t.name}`);
        cancel.addEventListener('click', () => {
            if (t.direction === 'upload')
                client.cancelUploads(t.id, false);
            else
                client.cancelDownloads(t.id, false);
        });
        const bar = element('progress', { max: 1000, value: 0 });
        bar.setAttribute('aria-label', `${t.direction === 'upload' ? 'Sending' : 'Receiving'} ${t.name}`);
        row = element('li', {},
                      element('div', { className: 'line' },
                              element('strong', { textContent: (t.direction === 'upload' ? '↑ ' : '↓ ') + t.name }),
                              element('span', { className: 'figures' }),
                              cancel),
                      bar);
        row.dataset.direction = t.direction;
        row.dataset.id = t.id;
        rows.set(key, row);
        $('transfers').prepend(row);
    }
    return row;
}

function updateTransfer(client, t) {
    const row = transferRow(client, t);
    row.dataset.status = t.status;
    const bar = row.querySelector('progress');
    bar.value = t.status === 'pending' ? 0 : t.size > 0 ? Math.floor((t.done / t.size) * 1000) : 1000;
    const figures = row.querySelector('.figures');
    const cancel = row.querySelector('button.cancel');
    if (t.status === 'pending') {
        figures.textContent = `Waiting · ${formatSize(t.size)}`;
        return;
    }
    if (t.status === 'running') {
        const left = t.speed > 0 ? (t.size - t.done) / t.speed : Infinity;
        figures.textContent = `${formatSize(t.done)} of ${formatSize(t.size)} · ${formatSize(t.speed)}/s · ${formatDuration(left)}`;
        return;
    }
    cancel.remove();
    if (t.status === 'completed') {
        figures.textContent = t.direction === 'upload' ? `Sent, ${formatSize(t.size)}` : `Received and verified, ${formatSize(t.size)}`;
        if (t.direction === 'download' && t.path && !row.querySelector('a.save')) {
            const save = element('a', { className: 'save', href: t.path, download: t.name, textContent: 'Save' });
            save.setAttribute('aria-label', `Save ${t.name}`);
            row.querySelector('.line').append(save);
        }
    } else {
        figures.textContent = t.status === 'cancelled' ? 'Cancelled' : 'Failed';
    }
}

const ReceiptsKey = 'roomshare.deliveryReceipts';

//! "Downloaded by Carol, Dave" under the row of this page's upload \a upJobId.
function showDeliveries(upJobId, deliveredTo) {
    const row = rows.get('upload' + upJobId);
    if (!row || deliveredTo.length === 0)
        return;
    let line = row.querySelector('.deliveries');
    if (!line) {
        line = element('p', { className: 'deliveries' });
        row.append(line);
    }
    line.textContent = `Downloaded by ${deliveredTo.map((r) => r.name).join(', ')}`;
}

function send(client, files) {
    if (!files || files.length === 0)
        return;
    const chosen = document.querySelector('input[name=to][value=chosen]').checked;
    const clientList = [...$('participants').querySelectorAll('input:checked')].map((i) => i.value);
    const options = chosen ? { broadcast: false, clientList } : { broadcast: true };
    client.sendFiles(files, options, (r) => {
        if (r.result !== 0)
            notice(r.desc);
    });
}

function installDropZone(client) {
    let depth = 0;
    const overlay = $('drop-overlay');
    window.addEventListener('dragenter', (e) => {
        if (!e.dataTransfer || ![...e.dataTransfer.types].includes('Files'))
            return;
        ++depth;
        overlay.hidden = false;
    });
    window.addEventListener('dragleave', () => {
        depth = Math.max(0, depth - 1);
        if (depth === 0)
            overlay.hidden = true;
    });
    window.addEventListener('dragover', (e) => e.preventDefault());
    window.addEventListener('drop', (e) => {
        e.preventDefault();
        depth = 0;
        overlay.hidden = true;
        if (client.state === 'connected' || client.state === 'reconnecting')
            send(client, e.dataTransfer && e.dataTransfer.files);
    });
}

async function join(link, name) {
    const client = new RoomshareClient({ webSocketUrl: link.webSocketUrl, token: link.token, name });
    window.roomshare = client; // for the console and the browser tests
    client.on('state-changed', (state) => {
        const words = { connecting: 'Joining…', connected: `In room ${client.room} as ${client.name}`,
                        reconnecting: 'Connection lost, reconnecting…', disconnected: 'Not connected' };
        setStatus(words[state] || state);
    });
    client.on('participants-changed', () => renderParticipants(client));
    client.on('files-changed', () => renderFiles(client));
    client.on('transfer-progress', (t) => updateTransfer(client, t));
    const receipts = $('receipts');
    receipts.checked = localStorage.getItem(ReceiptsKey) !== 'off';
    client.deliveryReceipts = receipts.checked;
    receipts.addEventListener('change', () => {
        client.deliveryReceipts = receipts.checked;
        localStorage.setItem(ReceiptsKey, receipts.checked ? 'on' : 'off');
    });
    const sentIndexes = new Map(); // file index -> upJobId of this page's own uploads
    client.on('deliveries-changed', ({ index, deliveredTo }) => showDeliveries(sentIndexes.get(index), deliveredTo));
    client.on('fs-upload-result', (r) => {
        if (r.messageType === 'upload-completed' && r.response.uploadInfo.index !== undefined) {
            sentIndexes.set(r.response.uploadInfo.index, r.response.upJobId);
            showDeliveries(r.response.upJobId, client.deliveries.get(r.response.uploadInfo.index) || []);
        }
        if (r.messageType === 'upload-started')
            updateTransfer(client, { id: r.response.upJobId, direction: 'upload', name: r.response.uploadInfo.name, size: r.response.uploadInfo.size, done: 0, speed: 0, status: 'running' });
    });
    client.on('fs-download-result', (r) => {
        if (r.messageType === 'download-available')
            notice(`New file from ${r.response.downloadInfo.sender}: ${r.response.downloadInfo.name}`);
        else if (r.messageType === 'download-started')
            updateTransfer(client, { id: r.response.jobId, direction: 'download', name: r.response.downloadInfo.name, size: r.response.downloadInfo.size, done: 0, speed: 0, status: 'running' });
    });
    try {
        await client.connect();
    } catch (err) {
        setStatus(`Could not join: ${err.desc}`);
        if (err.result === 1189) {
            $('name-form').hidden = false;
            notice(err.desc);
        }
        return;
    }
    $('room').hidden = false;
    if (!client.canSaveDownloads) {
        $('no-storage').textContent = NoDiskStorageText;
        $('no-storage').hidden = false;
    }
    $('file-input').addEventListener('change', (e) => {
        send(client, e.target.files);
        e.target.value = '';
    });
    installDropZone(client);
}

function main() {
    if (!location.hash || location.hash.length < 2) {
        $('no-link').hidden = false;
        setStatus('No invite');
        return;
    }
    const link = parseWebLink(location.href);
    const claims = peekToken(link.token);
    if (!claims) {
        $('no-link').hidden = false;
        setStatus('This invite link is damaged');
        return;
    }
    $('room-name').textContent = `· ${link.room}`;
    if (claims.name) {
        join(link, '');
        return;
    }
    // A link may suggest a display name (&name=...): the guest does not have to type one.
    const suggested = (link.params.get('name') || '').trim();
    if (suggested) {
        join(link, suggested);
        return;
    }
    setStatus('Choose a name to join');
    const form = $('name-form');
    form.hidden = false;
    $('name-input').focus();
    form.addEventListener('submit', (e) => {
        e.preventDefault();
        const name = $('name-input').value.trim();
        if (!name)
            return;
        form.hidden = true;
        join(link, name);
    });
}

main();
