// The browser rows of the benchmark: a 1 GiB upload and download by the page in Chromium
// (headless, Debian's package) on loopback, next to roomshare-cli's in the same run, and
// next to PairDrop's ~9 MB/s between two Chromium peers (issue 11's figure, measured earlier
// on this kind of machine, not in this run). Figures and ratios only: nothing is asserted.
// Run by tests/bench/web.sh: node tests/web/bench.mjs BUILD_DIR WORK_DIR [SIZE_MIB] [RUNS]
//
// No automation is attached to the browser while it transfers (playwright copies every
// WebSocket frame out of the pages it drives): one bare DevTools connection with no domain
// enabled sets the file input (DOM.setFileInputFiles) and runs the page's own API
// (Runtime.evaluate), which copies no frame.
import utilsBundle from 'playwright-core/lib/utilsBundle';
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const [build, work, sizeArg, runsArg] = process.argv.slice(2);
const MiB = 1024 * 1024;
const size = Number(sizeArg || 1024) * MiB;
const runs = Math.max(1, Math.min(10, Number(runsArg || 1)));
const PairDropMBps = 9; // two Chromium peers, issue 11 (measured earlier, not here)
const server = path.join(build, 'src/server/roomshare-server');
const cli = path.join(build, 'src/cli/roomshare-cli');
const children = [];

async function until(what, predicate, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (await predicate())
            return;
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
}

function start(command, args, name) {
    const child = spawn(command, args, { env: { ...process.env, HOME: path.join(work, 'home-' + name) }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.lines = [];
    readline.createInterface({ input: child.stdout }).on('line', (l) => child.lines.push(l));
    child.stderr.lines = [];
    readline.createInterface({ input: child.stderr }).on('line', (l) => child.stderr.lines.push(l));
    children.push(child);
    return child;
}

async function timedCli(args, name) {
    const began = process.hrtime.bigint();
    const child = start(cli, args, name);
    const code = await new Promise((r) => child.on('close', r));
    if (code !== 0)
        throw new Error(`roomshare-cli ${args[0]} exited with ${code}`);
    return { seconds: Number(process.hrtime.bigint() - began) / 1e9, lines: child.lines };
}

//! A bare DevTools session on one page: commands only, no domain enabled.
class Cdp {
    static async open(devtools, origin) {
        const port = new URL(devtools).port;
        const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
        const target = targets.find((t) => t.type === 'page' && t.url.startsWith(origin));
        if (!target)
            throw new Error(`no page of ${origin}`);
        const cdp = new Cdp();
        cdp.socket = new utilsBundle.ws(target.webSocketDebuggerUrl, { maxPayload: 64 * MiB });
        cdp.next = 1;
        cdp.waiting = new Map();
        cdp.socket.on('message', (m) => {
            const reply = JSON.parse(m);
            const w = cdp.waiting.get(reply.id);
            if (w) {
                cdp.waiting.delete(reply.id);
                reply.error ? w.reject(new Error(JSON.stringify(reply.error))) : w.resolve(reply.result);
            }
        });
        await new Promise((resolve, reject) => { cdp.socket.once('open', resolve); cdp.socket.once('error', reject); });
        return cdp;
    }

    send(method, params = {}) {
        const id = this.next++;
        return new Promise((resolve, reject) => {
            this.waiting.set(id, { resolve, reject });
            this.socket.send(JSON.stringify({ id, method, params }));
        });
    }

    async evaluate(expression) {
        const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
        if (r.exceptionDetails)
            throw new Error(JSON.stringify(r.exceptionDetails));
        return r.result.value;
    }
}

function median(values) {
    const s = [...values].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function cell(values) {
    const m = median(values);
    return values.length > 1 ? `${m.toFixed(0)} MB/s [${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}]` : `${m.toFixed(0)} MB/s`;
}

async function main() {
    fs.mkdirSync(work, { recursive: true });
    const srv = start(server, ['--listen', '127.0.0.1:0', '--data', path.join(work, 'srv'),
                               '--tls-self-signed', path.join(work, 'tls'), '--room', 'bench'], 'server');
    await until('the server\'s four lines', () => srv.lines.length >= 4, 20000);
    const nativeLink = srv.lines[1].slice('invite: '.length);
    const webLink = srv.lines[3].slice('web invite: '.length);
    const cert = path.join(work, 'tls/cert.pem');
    const spki = execFileSync('sh', ['-c', `openssl x509 -in '${cert}' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`]).toString().trim();

    const source = path.join(work, 'source.bin');
    const fd = fs.openSync(source, 'w');
    for (let at = 0; at < size; at += 8 * MiB)
        fs.writeSync(fd, randomBytes(Math.min(8 * MiB, size - at)));
    fs.closeSync(fd);

    const chromium = start(process.env.CHROMIUM || '/usr/bin/chromium', [
        '--headless', '--no-sandbox', '--remote-debugging-port=0', `--user-data-dir=${path.join(work, 'profile')}`,
        `--ignore-certificate-errors-spki-list=${spki}`, webLink + '&name=Web',
    ], 'chromium');
    let devtools = '';
    await until('Chromium to start', () => {
        const m = chromium.stderr.lines.map((l) => l.match(/DevTools listening on (ws:\/\/\S+)/)).find(Boolean);
        devtools = m ? m[1] : '';
        return devtools !== '';
    }, 20000);
    let cdp = null;
    await until('the page', async () => {
        try {
            cdp = await Cdp.open(devtools, new URL(webLink).origin);
            return true;
        } catch (e) {
            return false;
        }
    }, 20000);
    await until('the page to join', () => cdp.evaluate('Boolean(window.roomshare && window.roomshare.state === "connected")').catch(() => false), 20000);
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '#file-input' });

    const figures = { browserUp: [], cliUp: [], browserDown: [], cliDown: [] };
    for (let run = 0; run < runs; ++run) {
        // The CLI's upload, then the browser's, of the same file.
        const cliUp = await timedCli(['send', nativeLink, source, '--name', 'CliUp'], 'cliup');
        figures.cliUp.push(size / 1e6 / cliUp.seconds);
        const cliEvent = cliUp.lines.map((l) => { try { return JSON.parse(l); } catch (e) { return {}; } })
            .find((e) => e.messageType === 'upload-completed');
        const cliIndex = cliEvent.response.uploadInfo.index;
        await cdp.evaluate(`window.__benchUpload = new Promise((resolve) => window.roomshare.on('fs-upload-result', (e) => {
            if (e.messageType === 'upload-completed' || e.messageType === 'upload-failed') resolve(e);
        })); true`);
        const upBegan = process.hrtime.bigint();
        await cdp.send('DOM.setFileInputFiles', { nodeId, files: [source] });
        const uploaded = await cdp.evaluate('window.__benchUpload');
        const upSeconds = Number(process.hrtime.bigint() - upBegan) / 1e9;
        if (uploaded.result !== 0)
            throw new Error(`the browser's upload failed: ${JSON.stringify(uploaded)}`);
        figures.browserUp.push(size / 1e6 / upSeconds);
        const index = uploaded.response.uploadInfo.index;

        // The CLI downloads the browser's file, the browser the CLI's (a participant's own
        // files are not in its list); into OPFS for the page, SHA-256 verified by both.
        const out = path.join(work, 'cli-out');
        const cliDown = await timedCli(['recv', nativeLink, '--index', String(index), '--out', out, '--name', 'CliDown'], 'clidown');
        fs.rmSync(out, { recursive: true, force: true });
        figures.cliDown.push(size / 1e6 / cliDown.seconds);
        const downBegan = process.hrtime.bigint();
        const downloaded = await cdp.evaluate(`new Promise((resolve) => window.roomshare.recvFiles(${cliIndex}, {}, resolve))`);
        const downSeconds = Number(process.hrtime.bigint() - downBegan) / 1e9;
        if (downloaded.result !== 0)
            throw new Error(`the browser's download failed: ${JSON.stringify(downloaded)}`);
        figures.browserDown.push(size / 1e6 / downSeconds);
        await cdp.evaluate(`(async () => {
            for (const d of window.roomshare.completedDownloads.splice(0)) window.roomshare.forgetDownload(d);
            const root = await navigator.storage.getDirectory();
            const folder = await root.getDirectoryHandle('roomshare-downloads');
            for await (const name of folder.keys()) await folder.removeEntry(name).catch(() => {});
            return true;
        })()`);
        console.error(`web bench: run ${run + 1}/${runs}: browser up ${figures.browserUp.at(-1).toFixed(0)}, CLI up ${figures.cliUp.at(-1).toFixed(0)}, browser down ${figures.browserDown.at(-1).toFixed(0)}, CLI down ${figures.cliDown.at(-1).toFixed(0)} MB/s`);
    }
    const version = execFileSync(process.env.CHROMIUM || '/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const gib = size >= 1024 * MiB ? `${size / (1024 * MiB)} GiB` : `${size / MiB} MiB`;
    const ratio = (a, b) => `${(median(a) / median(b)).toFixed(2)}x`;
    const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
    const lines = [
        `Roomshare browser benchmark, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        '',
        `Machine: ${os.cpus()[0].model.trim()}, ${os.cpus().length} cores, linux ${os.release()}; load average ${load} after; ${version}, headless; ${runs} run(s) per row; loopback, TLS (self-signed).`,
        '',
        '| # | measure | browser (the page), median [min–max] | roomshare-cli, same run | browser / CLI | PairDrop, two Chromium peers (measured earlier, issue 11) | browser / PairDrop |',
        '|---|---|---|---|---|---|---|',
        `| 9a | upload ${gib}, SHA-256 verified | ${cell(figures.browserUp)} | ${cell(figures.cliUp)} | ${ratio(figures.browserUp, figures.cliUp)} | ~${PairDropMBps} MB/s | ${(median(figures.browserUp) / PairDropMBps).toFixed(1)}x |`,
        `| 9b | download ${gib} into OPFS, SHA-256 verified | ${cell(figures.browserDown)} | ${cell(figures.cliDown)} | ${ratio(figures.browserDown, figures.cliDown)} | ~${PairDropMBps} MB/s | ${(median(figures.browserDown) / PairDropMBps).toFixed(1)}x |`,
    ];
    console.log(lines.join('\n'));
    if (process.env.BENCH_OUTPUT)
        fs.writeFileSync(process.env.BENCH_OUTPUT, lines.join('\n') + '\n');
    cdp.socket.close();
}

let failed = false;
try {
    await main();
} catch (e) {
    console.error(`web bench: ${e.stack || e}`);
    failed = true;
} finally {
    // Chromium writes its profile until it exits: wait (bounded) before the folder goes.
    await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((resolve) => {
        const timer = setTimeout(resolve, 10000);
        c.on('close', () => { clearTimeout(timer); resolve(); });
        c.kill('SIGTERM');
    })));
}
process.exit(failed ? 1 : 0);
