// The browser participant end to end: a real roomshare-server (TLS, self-signed), real
// roomshare-cli participants, and Debian's Chromium driven headless by playwright-core.
// Run by tests/extra/web.sh: node tests/web/browser.test.mjs BUILD_DIR WORK_DIR
//
// Every wait is bounded; nothing is judged by time. A transfer that must be caught in
// flight is held by a hook this script injects (testHooks below), never by luck: the page
// that ships has no test hooks.
import { chromium } from 'playwright-core';
import utilsBundle from 'playwright-core/lib/utilsBundle';
import { spawn, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';

const [build, work] = process.argv.slice(2);
const server = path.join(build, 'src/server/roomshare-server');
const cli = path.join(build, 'src/cli/roomshare-cli');
const MiB = 1024 * 1024;
const children = [];
let failures = 0;

//! Injected into the pages this script drives (addInitScript), never served: uploads stop
//! reading their File at byte offset hold(n) (roomshare.js reads through Blob.slice) and
//! go on when it is raised; drop() closes the page's WebSockets as a network failure would;
//! while holdAcks is set, the page's download-ack messages are not sent (so the server
//! stops once its window is out, and a download can be caught in flight).
function testHooks() {
    const hooks = { holdAt: Infinity, waiters: [], sockets: [], holdAcks: false };
    window.__roomshareTest = hooks;
    hooks.hold = (at) => {
        hooks.holdAt = at;
        const waiting = hooks.waiters;
        hooks.waiters = [];
        waiting.forEach((resolve) => resolve());
    };
    hooks.drop = () => {
        for (const socket of hooks.sockets)
            if (socket.readyState === WebSocket.OPEN)
                socket.close(4999, 'dropped for a test');
    };
    const slice = Blob.prototype.slice;
    Blob.prototype.slice = function (start, end, type) {
        const part = slice.call(this, start, end, type);
        const at = start || 0;
        const read = part.arrayBuffer;
        part.arrayBuffer = async () => {
            while (at >= hooks.holdAt)
                await new Promise((resolve) => hooks.waiters.push(resolve));
            return read.call(part);
        };
        return part;
    };
    const NativeWebSocket = window.WebSocket;
    window.WebSocket = class extends NativeWebSocket {
        constructor(...args) {
            super(...args);
            hooks.sockets.push(this);
        }

        send(data) {
            if (hooks.holdAcks && typeof data === 'string' && data.includes('"download-ack"'))
                return;
            super.send(data);
        }
    };
}

//! Runs \a expression in the page at \a origin of a Chromium started with
//! --remote-debugging-port, over a bare DevTools connection that enables no domain (so,
//! unlike playwright, it copies no WebSocket frame out of the page), then detaches.
async function evaluateUnattached(devtools, origin, expression) {
    const port = new URL(devtools).port;
    const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
    const target = targets.find((t) => t.type === 'page' && t.url.startsWith(origin));
    if (!target)
        throw new Error(`no page of ${origin} in ${JSON.stringify(targets.map((t) => t.url))}`);
    const socket = new utilsBundle.ws(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
    const answer = new Promise((resolve) => socket.on('message', (m) => {
        const reply = JSON.parse(m);
        if (reply.id === 1)
            resolve(reply);
    }));
    socket.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression, awaitPromise: true, returnByValue: true } }));
    const reply = await answer;
    socket.close();
    return reply.result && reply.result.result ? reply.result.result.value : reply;
}

function pass(text) { console.log(`PASS: ${text}`); }
function fail(text) { console.log(`FAIL: ${text}`); ++failures; }
function check(ok, text, detail = '') { ok ? pass(text) : fail(detail ? `${text}: ${detail}` : text); }

function sha256File(file) {
    const hash = createHash('sha256');
    const fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(4 * MiB);
    for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0;)
        hash.update(buffer.subarray(0, n));
    fs.closeSync(fd);
    return hash.digest('hex');
}

function writeRandomFile(file, size) {
    const fd = fs.openSync(file, 'w');
    for (let done = 0; done < size;) {
        const n = Math.min(8 * MiB, size - done);
        fs.writeSync(fd, randomBytes(n));
        done += n;
    }
    fs.closeSync(fd);
}

async function until(what, predicate, timeoutMs = 30000) {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
        if (await predicate())
            return true;
        await new Promise((r) => setTimeout(r, 100));
    }
    fail(`timed out waiting for ${what}`);
    return false;
}

//! Starts a process; its stdout lines are collected in .lines.
function start(command, args, name) {
    const child = spawn(command, args, { env: { ...process.env, HOME: path.join(work, 'home-' + name) }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.lines = [];
    readline.createInterface({ input: child.stdout }).on('line', (l) => child.lines.push(l));
    const err = fs.createWriteStream(path.join(work, name + '.err'));
    child.stderr.pipe(err);
    child.closed = new Promise((resolve) => child.on('close', resolve));
    children.push(child);
    return child;
}

//! The Chromium processes among the descendants of \a rootPid (playwright starts the browser
//! as a child of this script): pid -> {rss (bytes), renderer (bool)}.
function browserProcesses(rootPid) {
    const parents = new Map();
    for (const entry of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(entry))
            continue;
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
            parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
        } catch (e) {
            // gone meanwhile
        }
    }
    const result = new Map();
    const wanted = new Set([rootPid]);
    for (let grew = true; grew;) {
        grew = false;
        for (const [pid, ppid] of parents)
            if (wanted.has(ppid) && !wanted.has(pid)) {
                wanted.add(pid);
                grew = true;
            }
    }
    for (const pid of wanted) {
        try {
            const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
            const rss = Number((status.match(/VmRSS:\s+(\d+) kB/) || [0, 0])[1]) * 1024;
            const anon = Number((status.match(/RssAnon:\s+(\d+) kB/) || [0, 0])[1]) * 1024;
            const file = Number((status.match(/RssFile:\s+(\d+) kB/) || [0, 0])[1]) * 1024;
            const shmem = Number((status.match(/RssShmem:\s+(\d+) kB/) || [0, 0])[1]) * 1024;
            const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
            if (cmdline.includes('chromium')) {
                const type = (cmdline.match(/--type=([a-z-]+)/) || [0, 'browser'])[1];
                const service = (cmdline.match(/--utility-sub-type=([a-zA-Z.]+)/) || [0, ''])[1];
                result.set(pid, { rss, anon, file, shmem, renderer: type === 'renderer', type: service ? `${type}:${service}` : type });
            }
        } catch (e) {
            // gone meanwhile
        }
    }
    return result;
}

//! The participants Carol's `listen` has seen join: names, or name -> clientId.
function srvParticipants(listener, asMap = false) {
    const map = new Map();
    for (const e of jsonLines(listener))
        if (e.messageType === 'user-connected')
            map.set(e.name, e.clientId);
    return asMap ? map : [...map.keys()];
}

//! A TCP proxy in front of the server for CLI participants (TLS passes through it untouched:
//! the link's pin names the certificate, not the address). hold('up'|'down', n) stops
//! forwarding that direction of a connection once n bytes have passed on it; cut() closes
//! every pair as a network failure would and lifts the hold, so reconnections go through.
async function startProxy(targetPort) {
    const proxy = { pairs: [], limit: { up: Infinity, down: Infinity }, held: false };
    const server = net.createServer((client) => {
        const upstream = net.connect(targetPort, '127.0.0.1');
        const pair = { client, upstream, passed: { up: 0, down: 0 } };
        proxy.pairs.push(pair);
        const forward = (from, to, direction) => {
            from.on('data', (data) => {
                pair.passed[direction] += data.length;
                to.write(data);
                if (pair.passed[direction] >= proxy.limit[direction]) {
                    from.pause();
                    proxy.held = true;
                }
            });
            from.on('close', () => to.destroy());
            from.on('error', () => to.destroy());
        };
        forward(client, upstream, 'up');
        forward(upstream, client, 'down');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy.port = server.address().port;
    proxy.hold = (direction, bytes) => { proxy.limit[direction] = bytes; proxy.held = false; };
    proxy.cut = () => {
        proxy.limit = { up: Infinity, down: Infinity };
        for (const { client, upstream } of proxy.pairs.splice(0)) {
            client.destroy();
            upstream.destroy();
        }
    };
    proxy.close = () => { proxy.cut(); server.close(); };
    return proxy;
}

//! The structure of an EnableX event: its keys (sorted) and the JSON types of their values.
function shape(value) {
    if (Array.isArray(value))
        return 'array';
    if (value === null || typeof value !== 'object')
        return typeof value;
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shape(value[k])]));
}

function jsonLines(child) {
    return child.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

async function main() {
    fs.mkdirSync(work, { recursive: true });
    // 1. The server, as an operator starts it: TLS with a self-signed certificate.
    const srv = start(server, ['--listen', '127.0.0.1:0', '--data', path.join(work, 'srv'),
                               '--tls-self-signed', path.join(work, 'tls'), '--room', 'standup'], 'server');
    await until('the server\'s four lines', () => srv.lines.length >= 4, 20000);
    const [listening, invite, links, web] = srv.lines;
    check(listening.startsWith('roomshare-server listening on wss://127.0.0.1:'), 'line 1 is still the listening line', listening);
    check(invite.startsWith('invite: roomshares://'), 'line 2 is still the roomshare:// invite', invite);
    check(links.startsWith('links name '), 'line 3 is still the links line', links);
    check(web.startsWith('web invite: https://127.0.0.1:') && web.includes('/#standup?token='), 'line 4 is the web invite, token in the fragment', web);
    const nativeLink = invite.slice('invite: '.length);
    const webLink = web.slice('web invite: '.length);

    // Chromium trusts exactly this certificate's key, nothing else.
    const cert = path.join(work, 'tls/cert.pem');
    const spki = execFileSync('sh', ['-c', `openssl x509 -in '${cert}' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`]).toString().trim();

    // 2. Two CLI participants who receive everything.
    const carol = start(cli, ['listen', nativeLink, '--name', 'Carol', '--download-to', path.join(work, 'carol')], 'carol');
    const dave = start(cli, ['listen', nativeLink, '--name', 'Dave', '--download-to', path.join(work, 'dave')], 'dave');
    await until('Carol and Dave in the room', () => [carol, dave].every((c) => jsonLines(c).some((e) => e.messageType === 'room-connected')));

    // A persistent profile, as a person's browser has: an incognito-like context keeps the
    // origin-private file system in memory, which would defeat the point of writing to it.
    const context = await chromium.launchPersistentContext(path.join(work, 'profile'), {
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        args: ['--no-sandbox', `--ignore-certificate-errors-spki-list=${spki}`],
        acceptDownloads: true,
    });
    await context.addInitScript(testHooks);
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    const response = await page.goto(webLink); // exactly as printed
    check((response.headers()['content-security-policy'] || '').startsWith("default-src 'none'"), 'the page comes with its Content-Security-Policy');
    // The link names nobody: the page asks for a name.
    await page.getByLabel('Your name, as the others will see it').fill('Webby');
    await page.getByRole('button', { name: 'Join the room' }).click();
    await until('the page to join', () => page.evaluate(() => window.roomshare && window.roomshare.state === 'connected'));
    await page.evaluate(() => {
        window.events = [];
        window.roomshare.on('fs-upload-result', (e) => window.events.push(e));
        window.roomshare.on('fs-download-result', (e) => window.events.push(e));
    });
    const webId = await page.evaluate(() => window.roomshare.clientId);
    check(/^c\d+$/.test(webId), `the page joined as ${webId}`);
    await until('Carol and Dave in the page\'s participants', async () => (await page.locator('#participants li').count()) >= 2);

    if (process.env.WEB_ONLY_BIG !== '1') { // (a shortcut while working on step 7)
    // 3. The browser sends 64 MiB to everyone; both CLI participants get it byte-identical.
    const big = path.join(work, 'big.bin');
    writeRandomFile(big, 64 * MiB);
    const bigHash = sha256File(big);
    await page.setInputFiles('#file-input', big);
    await until('the 64 MiB upload to complete', () => page.evaluate(() => window.events.some((e) => e.messageType === 'upload-completed' && e.response.uploadInfo.name === 'big.bin')), 120000);
    const completed = await page.evaluate(() => window.events.find((e) => e.messageType === 'upload-completed'));
    console.log(`web: browser upload of 64 MiB at ${(completed.response.uploadInfo.speed / 1e6).toFixed(0)} MB/s`);
    check(completed.result === 0 && completed.response.uploadInfo.sha256 === bigHash, 'upload-completed carries the file\'s SHA-256', JSON.stringify(completed));
    check(JSON.stringify(Object.keys(completed)) === JSON.stringify(['messageType', 'result', 'description', 'response'])
          && JSON.stringify(Object.keys(completed.response.uploadInfo)) === JSON.stringify(['upJobId', 'name', 'size', 'type', 'index', 'createdAt', 'expiresAt', 'sha256', 'speed']),
          'upload-completed has the C++ library\'s fields', JSON.stringify(completed));
    for (const [who, dir] of [['Carol', 'carol'], ['Dave', 'dave']]) {
        const file = path.join(work, dir, 'big.bin');
        await until(`${who} to receive big.bin`, () => fs.existsSync(file) && fs.statSync(file).size === 64 * MiB, 60000);
        check(fs.existsSync(file) && sha256File(file) === bigHash, `${who} received the browser's 64 MiB byte-identical`);
    }
    // Delivery receipts: Carol's and Dave's libraries confirm their verified downloads, and
    // the page, as the sender, is told who has big.bin and shows it on its row.
    await until('the page to be told that Carol and Dave have big.bin', () => page.evaluate(() => {
        const done = window.events.find((e) => e.messageType === 'upload-completed' && e.response.uploadInfo.name === 'big.bin');
        const names = window.events.filter((e) => e.messageType === 'file-delivered' && e.response.index === done.response.uploadInfo.index).map((e) => e.response.name);
        return names.includes('Carol') && names.includes('Dave');
    }), 30000);
    check(await page.locator('#transfers li', { hasText: 'big.bin' }).locator('.deliveries').textContent().then((t) => /Carol/.test(t) && /Dave/.test(t)),
          'the page\'s row for big.bin says who downloaded it');

    // 3b. 40 files chosen at once, more than the server's 32 uploads per session: the page
    // queues them (24 at a time) and every one arrives, none refused with 1196.
    const manyDir = path.join(work, 'many');
    fs.mkdirSync(manyDir, { recursive: true });
    const many = [];
    for (let i = 0; i < 40; ++i) {
        many.push(path.join(manyDir, `many${i}.bin`));
        writeRandomFile(many[i], 256 * 1024 + i);
    }
    await page.evaluate(() => {
        window.manyRunning = 0;
        window.manyPeak = 0;
        window.roomshare.on('fs-upload-result', (e) => {
            const name = e.response && e.response.uploadInfo && e.response.uploadInfo.name;
            if (!name || !name.startsWith('many'))
                return;
            if (e.messageType === 'upload-started')
                window.manyPeak = Math.max(window.manyPeak, ++window.manyRunning);
            else if (e.messageType !== 'upload-resumed')
                --window.manyRunning;
        });
    });
    await page.setInputFiles('#file-input', many);
    await until('the 40 uploads to finish', () => page.evaluate(() => window.events.filter((e) => /^upload-(completed|failed)$/.test(e.messageType) && e.response.uploadInfo && /^many\d+\.bin$/.test(e.response.uploadInfo.name)).length === 40), 120000);
    const manyResults = await page.evaluate(() => window.events.filter((e) => /^upload-(completed|failed)$/.test(e.messageType) && e.response.uploadInfo && /^many\d+\.bin$/.test(e.response.uploadInfo.name)));
    const manyFailed = manyResults.filter((e) => e.result !== 0);
    check(manyFailed.length === 0, 'the page sent 40 files chosen at once, none refused', JSON.stringify(manyFailed[0] || {}));
    const manyPeak = await page.evaluate(() => window.manyPeak);
    check(manyPeak >= 1 && manyPeak <= 24, `the page ran at most 24 of them at once (${manyPeak})`, String(manyPeak));
    await until('Carol to receive the 40 files', () => many.every((f) => fs.existsSync(path.join(work, 'carol', path.basename(f)))), 60000);
    check(many.every((f) => sha256File(path.join(work, 'carol', path.basename(f))) === sha256File(f)), 'Carol received all 40 byte-identical');

    // 4. The WebSocket cut mid-upload: the upload resumes from the server's offset.
    const resumeFile = path.join(work, 'resume.bin');
    writeRandomFile(resumeFile, 24 * MiB);
    await page.evaluate((hold) => { window.__roomshareTest.hold(hold); }, 10 * MiB);
    await page.setInputFiles('#file-input', resumeFile);
    await until('the held upload to stop at 10 MiB, partly acknowledged', () => page.evaluate(() => [...window.roomshare._uploads.values()].some((u) => u.name === 'resume.bin' && u.sent === 10 * 1024 * 1024 && u.acked > 0)));
    if (process.env.WEB_SCREENSHOT) // docs/web-page.png: the page with a transfer running
        await page.screenshot({ path: process.env.WEB_SCREENSHOT, fullPage: true });
    await page.evaluate(() => { window.__roomshareTest.drop(); window.__roomshareTest.hold(Infinity); });
    await until('resume.bin to complete after the cut', () => page.evaluate(() => window.events.some((e) => e.messageType === 'upload-completed' && e.response.uploadInfo.name === 'resume.bin')), 60000);
    const resumed = await page.evaluate(() => window.events.find((e) => e.messageType === 'upload-resumed'));
    check(resumed && resumed.response.offset > 0 && resumed.response.offset <= 10 * MiB, 'the upload resumed from the server\'s offset, not from zero', JSON.stringify(resumed));
    const carolResume = path.join(work, 'carol', 'resume.bin');
    await until('Carol to receive resume.bin', () => fs.existsSync(carolResume) && fs.statSync(carolResume).size === 24 * MiB, 60000);
    check(fs.existsSync(carolResume) && sha256File(carolResume) === sha256File(resumeFile), 'the resumed upload arrived byte-identical');

    // 5. A file targeted at the browser: it downloads and verifies it; a second page never sees it.
    const other = await context.newPage();
    await other.goto(webLink);
    await other.getByLabel('Your name, as the others will see it').fill('Other');
    await other.getByRole('button', { name: 'Join the room' }).click();
    await until('the second page to join', () => other.evaluate(() => window.roomshare && window.roomshare.state === 'connected'));
    await other.evaluate(() => {
        window.events = [];
        window.roomshare.on('fs-upload-result', (e) => window.events.push(e));
        window.roomshare.on('fs-download-result', (e) => window.events.push(e));
    });
    const secret = path.join(work, 'secret.bin');
    writeRandomFile(secret, 5 * MiB + 123);
    const sent = spawn(cli, ['send', nativeLink, secret, '--to', webId, '--name', 'Bob'], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, HOME: path.join(work, 'home-bob') } });
    sent.lines = [];
    readline.createInterface({ input: sent.stdout }).on('line', (l) => sent.lines.push(l));
    const sentCode = await new Promise((r) => sent.on('close', r));
    check(sentCode === 0, 'Bob (CLI) sent secret.bin to the browser only');
    await until('secret.bin in the page\'s list', async () => (await page.locator('#files tbody tr', { hasText: 'secret.bin' }).count()) === 1);
    const index = Number(await page.locator('#files tbody tr', { hasText: 'secret.bin' }).getAttribute('data-index'));
    await page.getByRole('button', { name: 'Download secret.bin' }).click();
    const save = page.getByRole('link', { name: 'Save secret.bin' });
    await until('the download to be verified', async () => (await save.count()) === 1, 60000);
    const [download] = await Promise.all([page.waitForEvent('download'), save.click()]);
    const saved = path.join(work, 'web-secret.bin');
    await download.saveAs(saved);
    check(sha256File(saved) === sha256File(secret), 'the browser\'s download has the SHA-256 of what Bob sent');
    // One conformance table: every EnableX event both clients emitted in this scenario has
    // the same fields of the same types in the page (roomshare.js) as in the C++ library
    // (src/core, printed by roomshare-cli).
    const cppEvents = [...jsonLines(sent), ...jsonLines(carol)].filter((e) => e.response !== undefined);
    const jsEvents = await page.evaluate(() => window.events);
    const compared = [];
    const cppFailed = {};
    for (const type of ['upload-started', 'upload-completed', 'download-available', 'download-started', 'download-completed']) {
        const cpp = cppEvents.find((e) => e.messageType === type);
        const js = jsEvents.find((e) => e.messageType === type);
        if (!cpp || !js) {
            fail(`no ${type} event from ${cpp ? 'the page' : 'the C++ library'} to compare`);
            continue;
        }
        const same = JSON.stringify(shape(cpp)) === JSON.stringify(shape(js));
        check(same, `${type}: the page's event has the C++ library's fields and types`, `C++ ${JSON.stringify(shape(cpp))} page ${JSON.stringify(shape(js))}`);
        compared.push(type);
    }
    // The page's own receipt for secret.bin: Carol, a moderator, is told (as the sender would be).
    await until('Carol to be told that Webby has secret.bin', () => jsonLines(carol).some((e) => e.messageType === 'file-delivered' && e.response.index === index && e.response.name === 'Webby'), 30000);
    {
        const cpp = jsonLines(carol).find((e) => e.messageType === 'file-delivered');
        const js = (await page.evaluate(() => window.events)).find((e) => e.messageType === 'file-delivered');
        check(cpp && js && JSON.stringify(shape(cpp)) === JSON.stringify(shape(js)), 'file-delivered: the page\'s event has the C++ library\'s fields and types', `C++ ${JSON.stringify(cpp && shape(cpp))} page ${JSON.stringify(js && shape(js))}`);
        compared.push('file-delivered');
    }
    const otherFiles = await other.evaluate(() => window.roomshare.availableFiles.map((f) => f.name));
    check(!otherFiles.includes('secret.bin') && otherFiles.includes('big.bin'), 'the second page does not list secret.bin', otherFiles.join(','));
    const refused = await other.evaluate((i) => new Promise((resolve) => window.roomshare.recvFiles(i, {}, resolve)), index);
    check(refused.result === 1181, 'the second page gets 1181 when it asks for secret.bin', JSON.stringify(refused));

    // 5b. Resumes from both clients: the CLI (the C++ library) uploads and downloads through a
    // proxy that holds a transfer in flight and then cuts every connection; the page downloads
    // with its acknowledgements held and then loses its WebSocket. Each side resumes, and the
    // resumed events are compared like the others (the page's upload-resumed comes from 4).
    const port = new URL(webLink).port;
    const proxy = await startProxy(Number(port));
    const proxiedLink = nativeLink.split(`127.0.0.1:${port}`).join(`127.0.0.1:${proxy.port}`);
    check(proxiedLink !== nativeLink, 'the CLI\'s link points at the proxy', proxiedLink);
    const cutFile = path.join(work, 'cut.bin');
    writeRandomFile(cutFile, 24 * MiB);
    proxy.hold('up', 6 * MiB);
    const cutSend = start(cli, ['send', proxiedLink, cutFile, '--name', 'Erin'], 'erin');
    await until('Eve\'s upload to be held at the proxy', () => proxy.held, 60000);
    proxy.cut();
    const cutSendCode = await cutSend.closed;
    check(cutSendCode === 0, 'Erin (CLI) finished her upload after the cut', String(cutSendCode));
    const cppUploadResumed = jsonLines(cutSend).find((e) => e.messageType === 'upload-resumed');
    check(cppUploadResumed && cppUploadResumed.response.offset > 0, 'the CLI\'s upload resumed from the server\'s offset, not from zero', JSON.stringify(cppUploadResumed));
    await until('cut.bin in the page\'s list', () => page.evaluate(() => window.roomshare.availableFiles.some((f) => f.name === 'cut.bin')), 30000);
    const cutIndex = await page.evaluate(() => window.roomshare.availableFiles.find((f) => f.name === 'cut.bin').index);
    proxy.hold('down', 6 * MiB);
    const cutRecv = start(cli, ['recv', proxiedLink, '--index', String(cutIndex), '--out', path.join(work, 'frank'), '--name', 'Frank'], 'frank');
    await until('Frank\'s download to be held at the proxy', () => proxy.held, 60000);
    proxy.cut();
    const cutRecvCode = await cutRecv.closed;
    check(cutRecvCode === 0, 'Frank (CLI) finished his download after the cut', String(cutRecvCode));
    check(sha256File(path.join(work, 'frank', 'cut.bin')) === sha256File(cutFile), 'Frank\'s resumed download is byte-identical');
    const cppDownloadResumed = jsonLines(cutRecv).find((e) => e.messageType === 'download-resumed');
    check(cppDownloadResumed && cppDownloadResumed.response.offset > 0, 'the CLI\'s download resumed from what it had, not from zero', JSON.stringify(cppDownloadResumed));
    proxy.close();
    // With receipts turned off on the page, its download of cut.bin tells nobody.
    await page.getByLabel('Tell senders when I have downloaded their files').uncheck();
    await page.evaluate(() => { window.__roomshareTest.holdAcks = true; });
    await page.evaluate((i) => { window.roomshare.recvFiles(i); }, cutIndex);
    await until('the page\'s download to stop at the server\'s window', () => page.evaluate(() => [...window.roomshare._downloads.values()].some((d) => d.name === 'cut.bin' && d.written >= 4 * 1024 * 1024)), 60000);
    await page.evaluate(() => { window.__roomshareTest.holdAcks = false; window.__roomshareTest.drop(); });
    await until('the page\'s download of cut.bin to complete after the drop', () => page.evaluate(() => window.roomshare.completedDownloads.some((d) => d.name === 'cut.bin')), 60000);
    await other.evaluate((i) => new Promise((resolve) => window.roomshare.recvFiles(i, {}, resolve)), cutIndex);
    await until('Carol to be told that Other has cut.bin', () => jsonLines(carol).some((e) => e.messageType === 'file-delivered' && e.response.index === cutIndex && e.response.name === 'Other'), 30000);
    check(!jsonLines(carol).some((e) => e.messageType === 'file-delivered' && e.response.index === cutIndex && e.response.name === 'Webby'),
          'with receipts off, the page\'s verified download of cut.bin was reported to nobody');
    await page.getByLabel('Tell senders when I have downloaded their files').check();
    const pageEvents = await page.evaluate(() => window.events);
    const jsDownloadResumed = pageEvents.find((e) => e.messageType === 'download-resumed');
    check(jsDownloadResumed && jsDownloadResumed.response.offset > 0, 'the page\'s download resumed from what it had written, not from zero', JSON.stringify(jsDownloadResumed));
    for (const [type, cpp] of [['upload-resumed', cppUploadResumed], ['download-resumed', cppDownloadResumed]]) {
        const js = pageEvents.find((e) => e.messageType === type);
        if (!cpp || !js) {
            fail(`no ${type} event from ${cpp ? 'the page' : 'the C++ library'} to compare`);
            continue;
        }
        check(JSON.stringify(shape(cpp)) === JSON.stringify(shape(js)), `${type}: the page's event has the C++ library's fields and types`, `C++ ${JSON.stringify(shape(cpp))} page ${JSON.stringify(shape(js))}`);
        compared.push(type);
    }

    // The failures, from both clients in the same situations: a file one is not a recipient of
    // (refused at once with 1181, an error object and no event), a download with nowhere to
    // write it (1195), an upload to a participant who is not in the room (1189).
    const cliRun = (args, home) => new Promise((resolve) => {
        const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: path.join(work, home) } });
        child.lines = [];
        child.errLines = [];
        readline.createInterface({ input: child.stdout }).on('line', (l) => child.lines.push(l));
        readline.createInterface({ input: child.stderr }).on('line', (l) => child.errLines.push(l));
        child.on('close', (code) => resolve({ code, events: jsonLines(child), errors: child.errLines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)) }));
    });
    const eveRefused = await cliRun(['recv', nativeLink, '--index', String(index), '--out', path.join(work, 'eve'), '--name', 'Eve'], 'home-eve');
    check(eveRefused.errors.length === 1 && eveRefused.errors[0].result === 1181 && JSON.stringify(shape(eveRefused.errors[0])) === JSON.stringify(shape(refused)),
          'a file one is not a recipient of: the same error object from both (1181)', `C++ ${JSON.stringify(eveRefused.errors)} page ${JSON.stringify(refused)}`);
    check(!eveRefused.events.some((e) => e.messageType === 'download-failed')
          && !(await other.evaluate(() => window.events.some((e) => e.messageType === 'download-failed'))), 'and neither emits a download event for it');
    const blocker = path.join(work, 'blocker');
    fs.writeFileSync(blocker, '');
    const bigIndex = await other.evaluate(() => window.roomshare.availableFiles.find((f) => f.name === 'big.bin').index);
    const eveRecv = await cliRun(['recv', nativeLink, '--index', String(bigIndex), '--out', path.join(blocker, 'sub'), '--name', 'Eve'], 'home-eve');
    const nobody = path.join(work, 'to-nobody.bin');
    writeRandomFile(nobody, 1000);
    const eveSend = await cliRun(['send', nativeLink, nobody, '--to', 'c9999', '--name', 'Eve'], 'home-eve');
    check(eveRecv.code !== 0 && eveSend.code !== 0, 'the CLI fails both (exit codes)', `${eveRecv.code} ${eveSend.code}`);
    // A page the browser gives no origin-private file system (as on plain http:// to a LAN
    // address): it says so, and a download fails with 1195 instead of filling memory.
    const noDisk = await context.newPage();
    await noDisk.addInitScript(() => { delete StorageManager.prototype.getDirectory; });
    await noDisk.goto(webLink + '&name=NoDisk');
    await until('the page without OPFS to join', () => noDisk.evaluate(() => window.roomshare && window.roomshare.state === 'connected'));
    const noDiskText = await noDisk.locator('#no-storage').textContent();
    check(await noDisk.locator('#no-storage').isVisible() && noDiskText.includes('https://'), 'the page without OPFS says it cannot save downloads and why', noDiskText);
    const noDiskResult = await noDisk.evaluate((i) => new Promise((resolve) => {
        window.events = [];
        window.roomshare.on('fs-upload-result', (e) => window.events.push(e));
        window.roomshare.on('fs-download-result', (e) => window.events.push(e));
        window.roomshare.recvFiles(i, {}, (r) => resolve({ r }));
    }), bigIndex);
    check(noDiskResult.r.result === 1195, 'its download fails with 1195', JSON.stringify(noDiskResult.r));
    await noDisk.evaluate((to) => new Promise((resolve) => window.roomshare.sendFiles([new File([new Uint8Array(1000)], 'to-nobody.bin')], { broadcast: false, clientList: [to] }, resolve)), 'c9999');
    const jsFailures = await noDisk.evaluate(() => window.events);
    for (const type of ['download-failed', 'upload-failed']) {
        const cpp = [...eveRecv.events, ...eveSend.events].find((e) => e.messageType === type);
        const js = jsFailures.find((e) => e.messageType === type);
        if (!cpp || !js) {
            fail(`no ${type} event from ${cpp ? 'the page' : 'the C++ library'} to compare: ${JSON.stringify(cpp ? jsFailures : [...eveRecv.events, ...eveSend.events])}`);
            continue;
        }
        check(cpp.result === js.result, `${type}: the same code from both (${cpp.result})`, `C++ ${cpp.result} page ${js.result}`);
        check(JSON.stringify(shape(cpp)) === JSON.stringify(shape(js)), `${type}: the page's event has the C++ library's fields and types`, `C++ ${JSON.stringify(shape(cpp))} page ${JSON.stringify(shape(js))}`);
        cppFailed[type.split('-')[0]] = cpp;
    }
    await noDisk.close();

    // 6. A drop of two files onto the page starts two uploads; one is cancelled and never announced.
    await page.evaluate(() => { window.__roomshareTest.hold(1024 * 1024); window.events = []; });
    await page.evaluate(() => {
        const make = (name) => new File([new Uint8Array(4 * 1024 * 1024).map((_, i) => (i * 7 + name.length) & 255)], name);
        const transfer = new DataTransfer();
        transfer.items.add(make('drop-keep.bin'));
        transfer.items.add(make('drop-cancel.bin'));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    await until('two uploads started by the drop', () => page.evaluate(() => window.events.filter((e) => e.messageType === 'upload-started').length === 2));
    await page.getByRole('button', { name: 'Cancel upload of drop-cancel.bin' }).click();
    await until('the cancel to be reported', () => page.evaluate(() => window.events.some((e) => e.messageType === 'upload-cancelled' && e.response.uploadInfo.name === 'drop-cancel.bin')));
    await page.evaluate(() => { window.__roomshareTest.hold(Infinity); });
    await until('drop-keep.bin to complete', () => page.evaluate(() => window.events.some((e) => e.messageType === 'upload-completed' && e.response.uploadInfo.name === 'drop-keep.bin')));
    await until('Carol to receive drop-keep.bin', () => fs.existsSync(path.join(work, 'carol', 'drop-keep.bin')));
    // Uploads finish in order on one connection: once drop-keep.bin is everywhere, a
    // drop-cancel.bin that was going to be announced would have been by now.
    const otherNames = await other.evaluate(() => window.roomshare.availableFiles.map((f) => f.name));
    check(otherNames.includes('drop-keep.bin') && !otherNames.includes('drop-cancel.bin'), 'the cancelled upload was announced to nobody (second page)', otherNames.join(','));
    check(!carol.lines.some((l) => l.includes('drop-cancel.bin')) && !fs.existsSync(path.join(work, 'carol', 'drop-cancel.bin')), 'the cancelled upload was announced to nobody (Carol)');
    // roomshare-cli cannot cancel, so no C++ cancelled event arises here; the C++ library builds
    // cancelled and failed events in one function (src/core/events.cpp, only the status word
    // and the code differ), so the page's cancelled events must have the shape of its failed ones.
    const cancelReply = await page.evaluate(() => new Promise((resolve) => {
        const file = window.roomshare.availableFiles.find((f) => f.name === 'secret.bin');
        const id = window.roomshare.recvFiles(file.index);
        window.roomshare.cancelDownloads(id, false, resolve);
    }));
    check(cancelReply.result === 0, 'the page cancels a download it just asked for', JSON.stringify(cancelReply));
    await until('the download-cancelled event', () => page.evaluate(() => window.events.some((e) => e.messageType === 'download-cancelled')));
    const cancelEvents = await page.evaluate(() => window.events);
    for (const [type, failedType] of [['upload-cancelled', 'upload'], ['download-cancelled', 'download']]) {
        const js = cancelEvents.find((e) => e.messageType === type);
        const cpp = cppFailed[failedType];
        if (!cpp || !js) {
            fail(`no ${type} event from the page, or no C++ ${failedType}-failed, to compare`);
            continue;
        }
        check(js.result === 1192, `${type}: code 1192`, JSON.stringify(js));
        check(JSON.stringify(shape(cpp)) === JSON.stringify(shape(js)), `${type}: the page's event has the fields and types of the C++ library's ${failedType}-failed`, `C++ ${JSON.stringify(shape(cpp))} page ${JSON.stringify(shape(js))}`);
    }


    // The page on a phone-sized screen, by keyboard, for screen readers.
    await other.setViewportSize({ width: 360, height: 740 });
    const overflow = await other.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, 'no sideways scrolling at 360 px wide', `${overflow} px too wide`);
    const unlabelled = await other.evaluate(() => [...document.querySelectorAll('button, input, progress, a')]
        .filter((e) => e.offsetParent !== null || e.type === 'file')
        .filter((e) => !((e.labels && e.labels.length) || e.getAttribute('aria-label') || e.textContent.trim()))
        .map((e) => e.outerHTML.slice(0, 80)));
    check(unlabelled.length === 0, 'every control has an accessible name', unlabelled.join(' | '));
    await other.evaluate(() => document.activeElement && document.activeElement.blur());
    const reached = new Set();
    for (let i = 0; i < 40; ++i) {
        await other.keyboard.press('Tab');
        reached.add(await other.evaluate(() => document.activeElement.id || document.activeElement.getAttribute('aria-label') || document.activeElement.tagName));
    }
    check(reached.has('file-input') && reached.has('Download big.bin'), 'the file picker and the downloads are reachable with Tab', [...reached].join(', '));
    }

    // 7. A 1 GiB download in a Chromium that no automation is attached to while it runs
    // (playwright copies every WebSocket frame out of the page for its own events, which
    // would be measured too): the page joins with a suggested name, a bare DevTools call
    // (evaluateUnattached) asks it to fetch huge.bin once offered and detaches; this script
    // samples the renderer's RSS from /proc, waits for the file to be complete in the
    // profile, and only then attaches to check the verified file.
    if (process.env.WEB_SKIP_BIG !== '1') {
        const huge = path.join(work, 'huge.bin');
        writeRandomFile(huge, 1024 * MiB);
        const hugeHash = sha256File(huge);
        const profile = path.join(work, 'plain-profile');
        const plain = spawn(process.env.CHROMIUM || '/usr/bin/chromium', [
            '--headless', '--no-sandbox', '--remote-debugging-port=0', `--user-data-dir=${profile}`,
            `--ignore-certificate-errors-spki-list=${spki}`, webLink + '&name=Big',
        ], { stdio: ['ignore', 'ignore', 'pipe'] });
        children.push(plain);
        let devtools = '';
        readline.createInterface({ input: plain.stderr }).on('line', (l) => {
            const m = l.match(/DevTools listening on (ws:\/\/\S+)/);
            if (m)
                devtools = m[1];
        });
        await until('the plain Chromium to start', () => devtools !== '', 20000);
        await until('the plain page to join', () => srvParticipants(carol).includes('Big'), 20000);
        const bigId = srvParticipants(carol, true).get('Big');
        const asked = await evaluateUnattached(devtools, new URL(webLink).origin, `(async () => {
            for (let i = 0; i < 200 && !(window.roomshare && window.roomshare.state === 'connected'); ++i)
                await new Promise((r) => setTimeout(r, 50));
            const client = window.roomshare;
            let started = false;
            const look = () => {
                const file = client.availableFiles.find((f) => f.name === 'huge.bin');
                if (file && !started) {
                    started = true;
                    client.recvFiles(file.index);
                }
            };
            client.on('files-changed', look);
            look();
            return client.state;
        })()`);
        check(asked === 'connected', 'the plain page was asked to download huge.bin once offered', JSON.stringify(asked));
        let baseline = 0;
        for (const p of browserProcesses(plain.pid).values())
            if (p.renderer)
                baseline = Math.max(baseline, p.rss);
        const began = Date.now();
        const hugeSent = spawn(cli, ['send', nativeLink, huge, '--to', bigId, '--name', 'Bob'], { stdio: 'ignore', env: { ...process.env, HOME: path.join(work, 'home-bob') } });
        let maxRenderer = 0;
        let maxTotal = 0;
        const byType = {};
        const sample = () => {
            let total = 0;
            for (const [pid, p] of browserProcesses(plain.pid)) {
                total += p.rss;
                if (p.renderer)
                    maxRenderer = Math.max(maxRenderer, p.rss);
                byType[`${p.type}/${pid}`] = Math.max(byType[`${p.type}/${pid}`] || 0, p.rss);
                byType[`${p.type}/${pid}/anon`] = Math.max(byType[`${p.type}/${pid}/anon`] || 0, p.anon);
                byType[`${p.type}/${pid}/file`] = Math.max(byType[`${p.type}/${pid}/file`] || 0, p.file);
                byType[`${p.type}/${pid}/shmem`] = Math.max(byType[`${p.type}/${pid}/shmem`] || 0, p.shmem);
            }
            maxTotal = Math.max(maxTotal, total);
        };
        const sampler = setInterval(sample, 50);
        check(await new Promise((r) => hugeSent.on('exit', r)) === 0, 'Bob (CLI) sent 1 GiB to the plain page');
        const opfsFiles = () => {
            const found = [];
            const walk = (dir) => {
                for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
                    const full = path.join(dir, e.name);
                    if (e.isDirectory())
                        walk(full);
                    else if (e.isFile())
                        found.push(fs.statSync(full).size);
                }
            };
            walk(path.join(profile, 'Default', 'File System'));
            return found;
        };
        await until('1 GiB written into the plain page\'s origin-private file system', () => opfsFiles().includes(1024 * MiB), 300000);
        const seconds = (Date.now() - began) / 1000;
        clearInterval(sampler);
        sample();
        console.log(`web: 1 GiB sent by the CLI and written by the page in ${seconds.toFixed(1)} s (${(1024 * MiB / 1e6 / seconds).toFixed(0)} MB/s); the page's renderer RSS at most ${(maxRenderer / MiB).toFixed(0)} MiB, all of Chromium at most ${(maxTotal / MiB).toFixed(0)} MiB`);
        console.log('web: largest RSS per Chromium process (MiB): ' + Object.entries(byType).map(([k, v]) => `${k}=${(v / MiB).toFixed(0)}`).join(' '));
        // Flat memory: the bound is the renderer's RSS under 200 MiB during the whole
        // 1 GiB download (about 170 MiB here from about 135 MiB before it; docs/web.md). A page
        // holding the file, a per-chunk leak or the worker's dead buffers waiting for V8's
        // external-memory limit (about 220 MiB) all fail it.
        console.log(`web: the renderer's RSS went from ${(baseline / MiB).toFixed(0)} MiB to at most ${(maxRenderer / MiB).toFixed(0)} MiB during the 1 GiB download`);
        check(baseline > 0 && maxRenderer < 200 * MiB, 'the renderer stayed under 200 MiB RSS during the 1 GiB download', `${(maxRenderer / MiB).toFixed(0)} MiB`);
        // Now attach, and check what the page holds.
        const attached = await chromium.connectOverCDP(devtools);
        const plainPage = attached.contexts()[0].pages().find((p) => p.url().startsWith(new URL(webLink).origin));
        await until('the plain page to verify huge.bin', () => plainPage.evaluate(() => window.roomshare.completedDownloads.some((d) => d.name === 'huge.bin')), 120000);
        const storage = await plainPage.evaluate(() => window.roomshare.downloadStorage);
        check(storage === 'opfs-sync', 'the download went to the origin-private file system through a synchronous access handle', storage);
        const pageHash = await plainPage.evaluate(async () => {
            const file = window.roomshare.completedDownloads.find((d) => d.name === 'huge.bin').file;
            const hasher = await hashwasm.createSHA256();
            hasher.init();
            for (let at = 0; at < file.size; at += 8 * 1024 * 1024)
                hasher.update(new Uint8Array(await file.slice(at, at + 8 * 1024 * 1024).arrayBuffer()));
            return hasher.digest('hex');
        });
        check(pageHash === hugeHash, 'the 1 GiB file the page offers (on disk) is byte-identical');
        await attached.close();
        plain.kill('SIGTERM');
        fs.rmSync(huge);
    }

    check(pageErrors.length === 0, 'no script errors in the page', pageErrors.join(' | '));
    await page.screenshot({ path: path.join(work, 'page.png'), fullPage: true });
    await context.close();
}

try {
    await main();
} catch (e) {
    fail(`unexpected: ${e.stack || e}`);
} finally {
    for (const c of children)
        c.kill('SIGTERM');
}
console.log(failures === 0 ? 'web: all checks passed' : `web: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
