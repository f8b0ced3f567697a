#!/usr/bin/python3
"""The chaos run (issue 16): real roomshare-server and roomshare-cli processes in four
rooms share files of 0 B to MAX for a fixed time while this driver, at random intervals,
kills the server with SIGKILL and restarts it, cuts or stalls connections through its own
TCP proxy, kills client processes and starts them again, fills the server's disk (a small
tmpfs) for a few seconds, and sends malformed traffic. Then it lets everything settle and
checks what a user would: every file a sender saw completed is byte-identical at every
intended recipient and at nobody else, every file announced exactly once, no partial file
anywhere, no descriptor or memory growth in the server, no crash but the driver's.

Run by tests/chaos/run.sh (root for the tmpfs; without it the disk-full fault is skipped
and the table says so). Prints one table; exit status 0 only when every check passed.
Every loop is bounded in count and time; all traffic stays on 127.0.0.1.
"""

import argparse
import asyncio
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

MiB = 1024 * 1024


def log(*args):
    print(time.strftime('%H:%M:%S'), 'chaos:', *args, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        while True:
            block = f.read(4 * MiB)
            if not block:
                return h.hexdigest()
            h.update(block)


def write_random(path, size, rng):
    with open(path, 'wb') as f:
        left = size
        block = rng.randbytes(min(MiB, max(size, 1)))
        counter = 0
        while left > 0:
            # A per-block counter keeps blocks distinct without generating every byte.
            piece = counter.to_bytes(8, 'little') + block[8:]
            f.write(piece[:left])
            left -= min(left, len(piece))
            counter += 1


def json_lines(path):
    """The JSON objects of a CLI's output (one per line); other lines are skipped."""
    out = []
    with open(path, 'rb') as f:
        for line in f:
            if line.startswith(b'{'):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
    return out


def stop_process(proc):
    """Ends a child politely, or by force after 10 s."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()

class Proxy:
    """A TCP proxy on 127.0.0.1 in a thread of its own (asyncio): cut() resets every
    connection, stall(seconds) stops forwarding both ways and then goes on, as a link that
    drops or freezes would."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.writers = set()
        self.flowing = None
        self.cuts = 0
        self.stalls = 0
        started = threading.Event()
        threading.Thread(target=self._run, args=(started,), daemon=True).start()
        started.wait(10)

    def _run(self, started):
        asyncio.set_event_loop(self.loop)
        self.flowing = asyncio.Event()
        self.flowing.set()
        server = self.loop.run_until_complete(asyncio.start_server(self._serve, '127.0.0.1', self.port))
        started.set()
        self.loop.run_forever()
        server.close()

    async def _pipe(self, reader, writer):
        try:
            while True:
                data = await reader.read(256 * 1024)
                if not data:
                    break
                await self.flowing.wait()
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _serve(self, creader, cwriter):
        try:
            sreader, swriter = await asyncio.open_connection('127.0.0.1', self.target_port)
        except OSError:
            cwriter.close()
            return
        self.writers.update((cwriter, swriter))
        await asyncio.gather(self._pipe(creader, swriter), self._pipe(sreader, cwriter))
        self.writers.discard(cwriter)
        self.writers.discard(swriter)

    def cut(self):
        def reset():
            for w in list(self.writers):
                sock = w.get_extra_info('socket')
                if sock is not None:
                    try:
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b'\x01\x00\x00\x00\x00\x00\x00\x00')
                    except OSError:
                        pass
                w.close()
        self.cuts += 1
        self.loop.call_soon_threadsafe(reset)

    def stall(self, seconds):
        self.stalls += 1
        def freeze():
            self.flowing.clear()
            self.loop.call_later(seconds, self.flowing.set)
        self.loop.call_soon_threadsafe(freeze)


class Server:
    def __init__(self, binary, data, secret, port, out):
        self.binary, self.data, self.secret, self.port, self.out = binary, data, secret, port, out
        self.proc = None
        self.kills = 0
        self.crashes = []
        self.starts = 0
        self.samples = []  # (t, fds, rss, start number)
        self.extra = []

    def start(self):
        self.starts += 1
        err = open(os.path.join(self.out, f'server-{self.starts}.err'), 'wb')
        self.proc = subprocess.Popen([
            self.binary, '--listen', f'127.0.0.1:{self.port}', '--data', self.data,
            '--secret-file', self.secret, '--max-connections-per-address', '0',
            '--ping-interval', '2', '--idle-timeout', '8'] + self.extra,
            stdout=subprocess.PIPE, stderr=err)
        line = self.proc.stdout.readline().decode()
        if 'listening on' not in line:
            raise RuntimeError(f'roomshare-server did not start: {line!r}')
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def check_alive(self):
        if self.proc and self.proc.poll() is not None:
            self.crashes.append(f'exit {self.proc.returncode} (server-{self.starts}.err)')
            log('the server died by itself:', self.crashes[-1])
            self.start()

    def kill9(self):
        self.check_alive()
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.kills += 1
        self.start()

    def sample(self, t):
        try:
            fds = len(os.listdir(f'/proc/{self.proc.pid}/fd'))
            with open(f'/proc/{self.proc.pid}/status') as f:
                rss = next(int(l.split()[1]) for l in f if l.startswith('VmRSS:')) * 1024
            self.samples.append((t, fds, rss, self.starts))
        except (OSError, StopIteration):
            pass

    def stop(self):
        stop_process(self.proc)


class Listener:
    """One participant: `roomshare-cli listen --download-to DIR`, restartable (same link,
    same folder, same HOME), so a restarted one continues its partial downloads."""

    def __init__(self, cli, room, name, link, base, fragile):
        self.cli, self.room, self.name, self.link, self.fragile = cli, room, name, link, fragile
        self.dir = os.path.join(base, 'recv', room, name)
        self.home = os.path.join(base, 'home', room, name)
        os.makedirs(self.dir, exist_ok=True)
        os.makedirs(self.home, exist_ok=True)
        self.runs = 0
        self.proc = None
        self.client_ids = []
        self.out_paths = []

    def start(self):
        self.runs += 1
        path = os.path.join(self.home, f'listen-{self.runs}.jsonl')
        self.out_paths.append(path)
        env = dict(os.environ, HOME=self.home)
        self.proc = subprocess.Popen([self.cli, 'listen', self.link, '--download-to', self.dir],
                                     stdout=open(path, 'wb'), stderr=open(path + '.err', 'wb'), env=env)

    def events(self):
        return [e for p in self.out_paths for e in json_lines(p)]

    def current_client_id(self):
        for e in reversed(self.events()):
            if e.get('messageType') in ('room-connected', 'room-reconnected') and e.get('clientId'):
                return e['clientId']
        return None

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        stop_process(self.proc)


class Send:
    """One file sent by a room's sender: `roomshare-cli send`, run again after a kill or a
    failure until it completes (or the run ends)."""

    def __init__(self, cli, link, path, to, home, sha, intended, room):
        self.cli, self.link, self.path, self.to, self.home = cli, link, path, to, home
        self.sha, self.intended, self.room = sha, intended, room
        self.attempts = 0
        self.proc = None
        self.completed = False
        self.resumed = 0
        self.kills = 0
        self.failures = []
        self.outs = []

    def start(self):
        self.attempts += 1
        out = f'{self.path}.send-{self.attempts}.jsonl'
        self.outs.append(out)
        args = [self.cli, 'send', self.link, self.path]
        if self.to:
            args += ['--to', ','.join(self.to)]
        self.proc = subprocess.Popen(args, stdout=open(out, 'wb'), stderr=open(out + '.err', 'wb'),
                                     env=dict(os.environ, HOME=self.home))

    def poll(self):
        if self.completed or self.proc is None or self.proc.poll() is None:
            return
        events = json_lines(self.outs[-1])
        self.resumed += sum(1 for e in events if e.get('messageType') == 'upload-resumed')
        if self.proc.returncode == 0 and any(e.get('messageType') == 'upload-completed' for e in events):
            self.completed = True
            self.index = next(e for e in events if e.get('messageType') == 'upload-completed')['response']['uploadInfo'].get('index')
        else:
            failed = [e for e in events if e.get('messageType') == 'upload-failed']
            if failed:
                self.failures.append([f"{failed[-1].get('desc', '')} ({failed[-1].get('result')})"])
            else:
                with open(self.outs[-1] + '.err', 'rb') as f:
                    self.failures.append(f.read().decode(errors='replace').strip().splitlines()[-1:] or [''])
            self.proc = None  # the driver starts it again, a second later
            self.retry_at = time.time() + 1

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.kills += 1
            self.proc = None


def hostile(port, rng):
    """Malformed traffic: random bytes, a WebSocket handshake with garbage after it, a frame
    header claiming 2^62 bytes, JSON that is not JSON. The server must shrug them off."""
    kinds = ['bytes', 'frame', 'json', 'half-http']
    kind = rng.choice(kinds)
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=3) as s:
            if kind == 'bytes':
                s.sendall(rng.randbytes(rng.randint(1, 4096)))
            elif kind == 'half-http':
                s.sendall(b'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websock')
            else:
                s.sendall(b'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                          b'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n')
                s.recv(4096)
                mask = rng.randbytes(4)
                if kind == 'frame':
                    s.sendall(bytes([0x82, 0xFF]) + (1 << 62).to_bytes(8, 'big') + mask)
                else:
                    payload = b'{"type":"join","token":' + rng.randbytes(64)
                    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
                    s.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + masked)
            s.settimeout(2)
            try:
                s.recv(4096)
            except OSError:
                pass
    except OSError:
        pass
    return kind


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--minutes', type=float, default=3)
    ap.add_argument('--max-size', type=int, default=16 * MiB)
    ap.add_argument('--tmpfs', action='store_true', help='the server data folder is a tmpfs (disk-full faults)')
    ap.add_argument('--seed', type=int, default=int(time.time()))
    ap.add_argument('--send-interval', default='2,6', help='seconds between sends in a room: MIN,MAX')
    ap.add_argument('--file-ttl', type=int, default=0, help='the server\'s --file-ttl (0: its default)')
    a = ap.parse_args()
    rng = random.Random(a.seed)
    server_bin = os.path.join(a.build, 'src/server/roomshare-server')
    cli = os.path.join(a.build, 'src/cli/roomshare-cli')
    work = a.work
    data = os.path.join(work, 'srv')
    os.makedirs(data, exist_ok=True)
    secret = os.path.join(work, 'secret')
    with open(secret, 'wb') as f:
        f.write(rng.randbytes(32).hex().encode())
    log(f'seed {a.seed}, {a.minutes} min, files of 0 B to {a.max_size // MiB} MiB')

    send_min, send_max = (float(x) for x in a.send_interval.split(','))
    server = Server(server_bin, data, secret, free_port(), work)
    if a.file_ttl:
        server.extra = ['--file-ttl', str(a.file_ttl)]
    server.start()
    proxy = Proxy(server.port)

    def invite(room, name, through_proxy):
        port = proxy.port if through_proxy else server.port
        return subprocess.check_output([
            server_bin, 'invite', '--secret-file', secret, '--url', f'ws://127.0.0.1:{port}',
            '--room', room, '--name', name, '--ttl', '86400']).decode().strip().split()[-1]

    rooms = [f'room{i + 1}' for i in range(4)]
    listeners = []
    senders = {}
    for r in rooms:
        # Five participants a room: four listeners (two steady, two that the driver kills
        # and restarts; half of each through the proxy) and one sender.
        for j, (fragile, proxied) in enumerate([(False, False), (False, True), (True, False), (True, True)]):
            name = f'{r}-p{j + 1}'
            listeners.append(Listener(cli, r, name, invite(r, name, proxied), work, fragile))
        senders[r] = invite(r, f'{r}-sender', True)
    for l in listeners:
        l.start()
    deadline = time.time() + 60
    while time.time() < deadline and not all(l.current_client_id() for l in listeners):
        time.sleep(0.2)
    if not all(l.current_client_id() for l in listeners):
        log('not every listener joined')
        return 2

    os.makedirs(os.path.join(work, 'files'), exist_ok=True)
    sends = []
    faults = {'server kill -9': 0, 'proxy cut': 0, 'proxy stall': 0, 'listener kill -9': 0,
              'sender kill -9': 0, 'disk full': 0, 'hostile': 0}
    started = time.time()
    end = started + a.minutes * 60
    next_fault = started + rng.uniform(5, 12)
    next_send = {r: started + rng.uniform(0, 3) for r in rooms}
    next_sample = started
    seq = 0
    deck = []
    tally = {'missing': [], 'wrong': [], 'leaked': [], 'verified': 0, 'copies': 0}

    def copies_of(s, l):
        base = os.path.basename(s.path)
        stem = base[:-4]
        return [f for f in os.listdir(l.dir)
                if f == base or (f.startswith(stem + ' (') and f.endswith(').bin'))]

    def verify(s, final):
        """Once every intended recipient has a complete copy (or at the end): compare, then
        delete the copies and the source so a long run's disk use stays bounded."""
        members = [l for l in listeners if l.room == s.room]
        if not final and any(not copies_of(s, l) for l in members if l.name in s.intended):
            return
        for l in members:
            present = copies_of(s, l)
            if l.name in s.intended and not present:
                # What the listener last said about it, for the table.
                base = os.path.basename(s.path)
                said = [e for e in l.events() if base in json.dumps(e)]
                last = said[-1] if said else {}
                tally['missing'].append(f'{base}@{l.name} (last: {last.get("messageType", "nothing")}'
                                        f' {last.get("result", "")} {last.get("desc", "")})'.strip())
            if l.name not in s.intended and present:
                tally['leaked'].append(f'{os.path.basename(s.path)}@{l.name}')
            for f in present:
                full = os.path.join(l.dir, f)
                if sha256_file(full) != s.sha:
                    tally['wrong'].append(f'{f}@{l.name}')
                tally['copies'] += 1
                os.remove(full)
        tally['verified'] += 1
        s.verified = True
        s.size = os.path.getsize(s.path)
        os.remove(s.path)

    next_verify = started + 5
    filler = os.path.join(data, 'chaos-filler')
    filler_until = 0
    max_loops = int(a.minutes * 60 * 20) + 100  # 50 ms a loop
    for _ in range(max_loops):
        now = time.time()
        if now >= end:
            break
        server.check_alive()
        if now >= next_sample:
            server.sample(now - started)
            next_sample = now + 5
        if filler_until and now >= filler_until:
            os.remove(filler)
            filler_until = 0
        # New sends: one file at a time per room in flight at most two.
        for r in rooms:
            inflight = [s for s in sends if s.room == r and not s.completed]
            if now >= next_send[r] and len(inflight) < 2:
                seq += 1
                size = 0 if rng.random() < 0.08 else int(2 ** rng.uniform(0, (a.max_size).bit_length() - 1))
                size = min(size, a.max_size)
                path = os.path.join(work, 'files', f'{r}-f{seq:04d}.bin')
                write_random(path, size, rng)
                members = [l for l in listeners if l.room == r]
                if rng.random() < 0.5:
                    to, intended = [], members
                else:
                    # Targeted at steady participants: a restarted CLI is a new session, which
                    # a file sent to the old one's client id is rightly not visible to.
                    steady = [l for l in members if not l.fragile]
                    chosen = rng.sample(steady, rng.randint(1, len(steady)))
                    ids = [l.current_client_id() for l in chosen]
                    if not all(ids):
                        continue
                    to, intended = ids, chosen
                s = Send(cli, senders[r], path, to, os.path.join(work, 'home', r, 'sender'), sha256_file(path),
                         [l.name for l in intended], r)
                os.makedirs(s.home, exist_ok=True)
                s.start()
                sends.append(s)
                next_send[r] = now + rng.uniform(send_min, send_max)
        for s in sends:
            s.poll()
            if not s.completed and s.proc is None and time.time() >= getattr(s, 'retry_at', 0):
                s.start()
        if now >= next_verify:
            for s in sends:
                if s.completed and not getattr(s, 'verified', False):
                    verify(s, False)
            next_verify = time.time() + 5
        if now >= next_fault:
            # A shuffled deck, so that every kind of fault comes once in every seven.
            if not deck:
                deck = ['server', 'cut', 'stall', 'listener', 'sender', 'disk', 'hostile']
                rng.shuffle(deck)
            kind = deck.pop()
            if kind == 'server':
                log('fault: server kill -9')
                server.kill9()
                faults['server kill -9'] += 1
            elif kind == 'cut':
                log('fault: proxy cut')
                proxy.cut()
                faults['proxy cut'] += 1
            elif kind == 'stall':
                secs = rng.uniform(1, 6)
                log(f'fault: proxy stall {secs:.1f} s')
                proxy.stall(secs)
                faults['proxy stall'] += 1
            elif kind == 'listener':
                victim = rng.choice([l for l in listeners if l.fragile])
                log('fault: kill -9', victim.name)
                victim.kill9()
                victim.start()
                faults['listener kill -9'] += 1
            elif kind == 'sender':
                running = [s for s in sends if s.proc is not None and s.proc.poll() is None]
                if running:
                    victim = rng.choice(running)
                    log('fault: kill -9 the sender of', os.path.basename(victim.path))
                    victim.kill9()
                    faults['sender kill -9'] += 1
            elif kind == 'disk':
                if a.tmpfs and not filler_until:
                    st = os.statvfs(data)
                    free = st.f_bavail * st.f_frsize
                    log(f'fault: disk full for a few seconds ({free // MiB} MiB filled)')
                    try:
                        with open(filler, 'wb') as f:
                            f.truncate(0)
                            chunk = b'\0' * MiB
                            for _ in range(free // MiB + 1):
                                f.write(chunk)
                    except OSError:
                        pass
                    filler_until = now + rng.uniform(2, 5)
                    faults['disk full'] += 1
            else:
                log('fault: hostile client,', hostile(server.port, rng))
                faults['hostile'] += 1
            next_fault = time.time() + rng.uniform(3, 10)
        time.sleep(0.05)
    if filler_until:
        os.remove(filler)

    # Settle: no more faults; unfinished sends run to completion; downloads finish.
    log('settling')
    settle_end = time.time() + 180
    while time.time() < settle_end:
        server.check_alive()
        for s in sends:
            s.poll()
            if not s.completed and s.proc is None and time.time() >= getattr(s, 'retry_at', 0):
                s.start()
        for s in sends:
            if s.completed and not getattr(s, 'verified', False):
                verify(s, False)
        if all(getattr(s, 'verified', False) for s in sends) and not any(
                f.endswith('.roomshare-part') for l in listeners for f in os.listdir(l.dir)):
            # every listener has each of its files (checked below); a short grace for the last
            time.sleep(3)
            break
        time.sleep(0.5)
    server.sample(time.time() - started)
    for l in listeners:
        l.stop()

    # ---- checks ----
    results = []

    def check(ok, what, detail=''):
        results.append((ok, what, detail))

    completed = [s for s in sends if s.completed]
    check(len(completed) == len(sends), 'every send completed (after retries)',
          f'{len(completed)} of {len(sends)}')
    for s in completed:
        if not getattr(s, 'verified', False):
            verify(s, True)
    # Copies that came after their file was verified (a restarted listener downloads what is
    # still offered): checked too, and a targeted file must never be at a non-recipient.
    by_base = {os.path.basename(s.path): s for s in sends}
    for l in listeners:
        for f in os.listdir(l.dir):
            stem = f.split(' (')[0].removesuffix('.bin') + '.bin'
            s = by_base.get(stem)
            if s is None or not f.endswith('.bin'):
                continue
            if l.name not in s.intended:
                tally['leaked'].append(f'{f}@{l.name} (late)')
            if sha256_file(os.path.join(l.dir, f)) != s.sha:
                tally['wrong'].append(f'{f}@{l.name} (late)')
    missing, wrong, leaked = tally['missing'], tally['wrong'], tally['leaked']
    check(not missing, 'every completed file at every intended recipient', ', '.join(missing[:5]))
    check(not wrong, 'byte-identical (SHA-256) wherever it arrived', ', '.join(wrong[:5]))
    check(not leaked, 'targeted files at nobody else', ', '.join(leaked[:5]))
    # Announced exactly once: one room-wide index per file, never two announcements of one
    # index to one listener run.
    dup = []
    by_name = {}
    for l in listeners:
        for run, p in enumerate(l.out_paths):
            seen = {}
            with open(p, 'rb') as f:
                for line in f:
                    if b'download-available' not in line:
                        continue
                    try:
                        e = json.loads(line)
                    except ValueError:
                        continue
                    info = e.get('response', {}).get('downloadInfo', {})
                    seen[info.get('index')] = seen.get(info.get('index'), 0) + 1
                    by_name.setdefault((l.room, info.get('name')), set()).add(info.get('index'))
            dup += [f'{l.name} run {run + 1}: index {i} x{n}' for i, n in seen.items() if n > 1]
    twice = [f'{r}/{n}: {sorted(i)}' for (r, n), i in by_name.items() if len(i) > 1]
    check(not dup and not twice, 'every file announced exactly once', ', '.join((dup + twice)[:5]))
    partials = [os.path.join(dp, f) for l in listeners for dp, _, fs in os.walk(l.dir) for f in fs
                if f.endswith('.roomshare-part') or f.endswith('.roomshare-part.json')]
    server_partials = [f for f in os.listdir(os.path.join(data, 'partial'))] if os.path.isdir(os.path.join(data, 'partial')) else []
    check(not partials, 'no partial file left at any recipient', ', '.join(partials[:3]))
    check(not server_partials, 'no partial upload left on the server', f'{len(server_partials)} left')
    check(not server.crashes, 'the server died only by the driver\'s hand', '; '.join(server.crashes))
    # Descriptors and memory: the server process alive at the end, early in its life against
    # the end of the run (the driver's restarts begin a new process, so the comparison is
    # within the last process once it has run a minute, else the first minute of the run).
    last = [x for x in server.samples if x[3] == server.starts]
    first = [x for x in server.samples if x[0] <= 60] or server.samples[:1]
    if len(last) >= 3 and last[-1][0] - last[0][0] >= 60:
        base = last[:3]
        span = 'within the last server process'
    else:
        base = first
        span = 'first minute of the run against the end (across restarts)'
    fd0 = max(x[1] for x in base)
    rss0 = max(x[2] for x in base)
    fd1, rss1 = server.samples[-1][1], server.samples[-1][2]
    check(fd1 <= fd0 + 4, 'no descriptor growth in the server', f'{fd0} -> {fd1} ({span})')
    check(rss1 <= rss0 * 1.5 + 16 * MiB, 'no memory growth in the server', f'{rss0 / MiB:.1f} -> {rss1 / MiB:.1f} MiB ({span})')

    # ---- the table ----
    total_bytes = sum(getattr(s, 'size', 0) for s in completed)
    largest = max((getattr(s, 'size', 0) for s in sends), default=0)
    resumed = sum(s.resumed for s in sends)
    print()
    print(f'## Chaos run: {a.minutes:g} min, seed {a.seed}, {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}')
    print()
    print('| what | count |')
    print('|---|---|')
    print(f'| files sent and completed | {len(completed)} of {len(sends)} ({total_bytes / MiB:.0f} MiB, 0 B to {largest / MiB:.1f} MiB; {sum(1 for s in sends if not s.to)} broadcast, {sum(1 for s in sends if s.to)} targeted) |')
    print(f'| send attempts (a kill or a failure starts one again) | {sum(s.attempts for s in sends)}; uploads reported resumed: {resumed} |')
    reasons = {}
    for s in sends:
        for f in s.failures:
            text = (f[0] if f else '') or '(no message)'
            key = re.sub(r'127\.0\.0\.1:\d+', 'ADDRESS', text)[:100]
            reasons[key] = reasons.get(key, 0) + 1
    for text, n in sorted(reasons.items(), key=lambda kv: -kv[1])[:4]:
        print(f'| a send ended without completing: {text.replace("|", "/")} | {n} |')
    for k, v in faults.items():
        print(f'| fault: {k} | {v} |')
    print(f'| listener restarts | {sum(l.runs - 1 for l in listeners)}; downloads reported resumed: {sum(1 for l in listeners for e in l.events() if e.get("messageType") == "download-resumed")} |')
    print(f'| copies verified at recipients | {tally["copies"]} |')
    print(f'| server starts | {server.starts} |')
    print()
    print('| check | result | detail |')
    print('|---|---|---|')
    for ok, what, detail in results:
        print(f'| {what} | {"PASS" if ok else "FAIL"} | {detail} |')
    print(flush=True)
    proxy.loop.call_soon_threadsafe(proxy.loop.stop)
    server.stop()
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
