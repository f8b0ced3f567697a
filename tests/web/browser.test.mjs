// The browser participant end to end: a real roomshare-server (TLS, self-signed), real
// roomshare-cli participants, and Debian's Chromium driven headless by playwright-core.
// Run by tests/extra/web.sh: node tests/web/browser.test.mjs BUILD_DIR WORK_DIR
//
// Every wait is bounded; nothing is judged by time. A transfer that must be caught in
// flight is held by the page's own hook (RoomshareClient.holdUploadsAt), never by luck.
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const [build, work] = process.argv.slice(2);
const server = path.join(build, 'src/server/roomshare-server');
const cli = path.join(build, 'src/cli/roomshare-cli');
const MiB = 1024 * 1024;
const children = [];
let failures = 0;

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
    children.push(child);
    return child;
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

    const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        args: ['--no-sandbox', `--ignore-certificate-errors-spki-list=${spki}`],
    });
    const context = await browser.newContext({ acceptDownloads: true });
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

    // 3. The browser sends 64 MiB to everyone; both CLI participants get it byte-identical.
    const big = path.join(work, 'big.bin');
    writeRandomFile(big, 64 * MiB);
    const bigHash = sha256File(big);
    await page.setInputFiles('#file-input', big);
    await until('the 64 MiB upload to complete', () => page.evaluate(() => window.events.some((e) => e.messageType === 'upload-completed' && e.response.uploadInfo.name === 'big.bin')), 120000);
    const completed = await page.evaluate(() => window.events.find((e) => e.messageType === 'upload-completed'));
    check(completed.result === 0 && completed.response.uploadInfo.sha256 === bigHash, 'upload-completed carries the file\'s SHA-256', JSON.stringify(completed));
    check(JSON.stringify(Object.keys(completed)) === JSON.stringify(['messageType', 'result', 'description', 'response'])
          && JSON.stringify(Object.keys(completed.response.uploadInfo)) === JSON.stringify(['upJobId', 'name', 'size', 'type', 'index', 'createdAt', 'expiresAt', 'sha256', 'speed']),
          'upload-completed has the C++ library\'s fields', JSON.stringify(completed));
    for (const [who, dir] of [['Carol', 'carol'], ['Dave', 'dave']]) {
        const file = path.join(work, dir, 'big.bin');
        await until(`${who} to receive big.bin`, () => fs.existsSync(file) && fs.statSync(file).size === 64 * MiB, 60000);
        check(fs.existsSync(file) && sha256File(file) === bigHash, `${who} received the browser's 64 MiB byte-identical`);
    }

    // 4. The WebSocket cut mid-upload: the upload resumes from the server's offset.
    const resumeFile = path.join(work, 'resume.bin');
    writeRandomFile(resumeFile, 24 * MiB);
    await page.evaluate((hold) => { window.roomshare.holdUploadsAt = hold; }, 10 * MiB);
    await page.setInputFiles('#file-input', resumeFile);
    await until('the held upload to stop at 10 MiB, partly acknowledged', () => page.evaluate(() => [...window.roomshare._uploads.values()].some((u) => u.name === 'resume.bin' && u.sent === 10 * 1024 * 1024 && u.acked > 0)));
    await page.evaluate(() => { window.roomshare.dropConnection(); window.roomshare.holdUploadsAt = Infinity; });
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
    const secret = path.join(work, 'secret.bin');
    writeRandomFile(secret, 5 * MiB + 123);
    const sent = spawn(cli, ['send', nativeLink, secret, '--to', webId, '--name', 'Bob'], { stdio: 'ignore', env: { ...process.env, HOME: path.join(work, 'home-bob') } });
    const sentCode = await new Promise((r) => sent.on('exit', r));
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
    const otherFiles = await other.evaluate(() => window.roomshare.availableFiles.map((f) => f.name));
    check(!otherFiles.includes('secret.bin') && otherFiles.includes('big.bin'), 'the second page does not list secret.bin', otherFiles.join(','));
    const refused = await other.evaluate((i) => new Promise((resolve) => window.roomshare.recvFiles(i, {}, resolve)), index);
    check(refused.result === 1181, 'the second page gets 1181 when it asks for secret.bin', JSON.stringify(refused));

    // 6. A drop of two files onto the page starts two uploads; one is cancelled and never announced.
    await page.evaluate(() => { window.roomshare.holdUploadsAt = 1024 * 1024; window.events = []; });
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
    await page.evaluate(() => { window.roomshare.holdUploadsAt = Infinity; });
    await until('drop-keep.bin to complete', () => page.evaluate(() => window.events.some((e) => e.messageType === 'upload-completed' && e.response.uploadInfo.name === 'drop-keep.bin')));
    await until('Carol to receive drop-keep.bin', () => fs.existsSync(path.join(work, 'carol', 'drop-keep.bin')));
    // Uploads finish in order on one connection: once drop-keep.bin is everywhere, a
    // drop-cancel.bin that was going to be announced would have been by now.
    const otherNames = await other.evaluate(() => window.roomshare.availableFiles.map((f) => f.name));
    check(otherNames.includes('drop-keep.bin') && !otherNames.includes('drop-cancel.bin'), 'the cancelled upload was announced to nobody (second page)', otherNames.join(','));
    check(!carol.lines.some((l) => l.includes('drop-cancel.bin')) && !fs.existsSync(path.join(work, 'carol', 'drop-cancel.bin')), 'the cancelled upload was announced to nobody (Carol)');

    check(pageErrors.length === 0, 'no script errors in the page', pageErrors.join(' | '));
    await page.screenshot({ path: path.join(work, 'page.png'), fullPage: true });
    await browser.close();
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
