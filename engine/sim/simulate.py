#!/usr/bin/python3
# The project's only Python: SimGrid actors that run what the TypeScript models (engine/sim/models/)
# emit. Usage: /usr/bin/python3 simulate.py PLATFORM.xml MODEL.json; prints one JSON object on stdout
# (SimGrid logs on stderr). Two kinds of model:
#   "replay": each actor runs a fixed list of operations (compute, disk, messages, marks), see Op in
#             simgrid.ts;
#   "swarm": BitTorrent-like uploads, decided as pieces arrive (rarest first) by a few schedulers;
#   "describe": no simulation, only what SimGrid loaded (hosts, routes): for the tests.
# Every operation's cost is in the model file: this file holds no figure of any paper.
import json
import random
import sys

from simgrid import Actor, ActorKilled, Comm, Engine, Host, Mailbox, this_actor

# SimGrid keeps one engine per process; pass it only its own flags (the network model, from the profile).
engine = Engine([sys.argv[0], '--log=root.thres:warning', '--log=xbt_cfg.thres:warning', *sys.argv[3:]])
platform_file, model_file = sys.argv[1], sys.argv[2]
engine.load_platform(platform_file)
with open(model_file, encoding='utf-8') as f:
    model = json.load(f)

marks = {}      # actor name -> label -> [simulated seconds]
errors = []     # actor name: message
finished = set()


def mark(actor, label):
    marks.setdefault(actor, {}).setdefault(label, []).append(Engine.clock)


def guarded(name, body):
    """Runs an actor body; an exception becomes an error line instead of SimGrid's abort."""
    def run():
        try:
            body()
            finished.add(name)
        except ActorKilled:
            raise  # a daemon ended with the run: SimGrid unwinds it
        except Exception as err:  # reported with the actor's name; the run then fails as a whole
            errors.append(f'{name}: {type(err).__name__}: {err}')
    return run


# ---- replay: ops are JSON arrays, [kind, ...args]; sizes in bytes, work in flops ------------------
def replay(name, ops):
    pending = []
    holders = []
    execs = []

    def run(seq):
        host = this_actor.get_host()
        for op in seq:
            kind = op[0]
            if kind == 'exec':
                this_actor.execute(op[1])
            elif kind == 'read':
                host.get_disks()[0].read(int(op[1]))
            elif kind == 'write':
                host.get_disks()[0].write(int(op[1]))
            elif kind == 'send':
                Mailbox.by_name(op[1]).put(None, int(op[2]))
            elif kind == 'recv':
                Mailbox.by_name(op[1]).get()
            elif kind == 'isend':
                pending.append(Mailbox.by_name(op[1]).put_async(None, int(op[2])))
            elif kind == 'irecv':
                comm, holder = Mailbox.by_name(op[1]).get_async()
                pending.append(comm)
                holders.append(holder)  # freeing it before the comm ends corrupts memory
            elif kind == 'iexec':
                execs.append(this_actor.exec_async(op[1]))
            elif kind == 'iread':
                execs.append(host.get_disks()[0].read_async(int(op[1])))
            elif kind == 'iwrite':
                execs.append(host.get_disks()[0].write_async(int(op[1])))
            elif kind == 'window':
                # at most op[1] sends still in flight: a socket buffer's worth
                while len(pending) > op[1]:
                    pending.pop(Comm.wait_any(pending))
            elif kind == 'listen':
                # messages to this mailbox flow as soon as they are sent, as into a socket
                Mailbox.by_name(op[1]).set_receiver(Actor.self())
            elif kind == 'wait':
                if pending:
                    Comm.wait_all(pending)
                    pending.clear()
                    holders.clear()
                for activity in execs:
                    activity.wait()
                execs.clear()
            elif kind == 'sleep':
                this_actor.sleep_for(op[1])
            elif kind == 'mark':
                mark(name, op[1])
            elif kind == 'loop':
                for _ in range(int(op[1])):
                    run(op[2])
            else:
                raise ValueError(f'unknown operation {kind!r}')

    return lambda: run(ops)


# ---- swarm: a few scheduler actors decide every upload ----------------------------------------------
def swarm(spec):
    """
    Every peer sends its login (and, holding the key, its getcipher) to the tracker at once; the
    tracker's workers serve the requests on its cores and answer each. An answered peer is admitted
    unless refused. Every admitted peer has `slots` upload slots (BitTorrent's unchoked peers): a free
    slot serves one of a few sampled needy peers that lacks one of its pieces (the rarest of those)
    and accepts one more incoming piece; the piece goes host to host over the platform (a key holder
    encrypts it on the way: RC4+ is far faster than a household line, so it overlaps the send; a
    relay sends ciphertext as it is). Free slots look again whenever their peer gets a piece or a
    transfer of theirs ends, and every `retryS`. No thread per peer or slot: a few waiter actors
    share the transfers in flight (a completion wakes the one holding it, which decides what
    follows), so 1 000 peers stay cheap. The run ends when every key holder holds the whole file.
    """
    pieces, piece_bytes, slots = spec['pieces'], spec['pieceBytes'], spec['slots']
    rng = random.Random(spec['seed'])
    peers = {p['name']: p for p in spec['peers']}
    hosts = {name: Host.by_name(p['host']) for name, p in peers.items()}
    tracker_host = Host.by_name(spec['tracker']['host'])
    have = {name: set() for name in peers}
    wanted = {name: set() for name in peers}
    holders = [0] * pieces                        # admitted peers holding each piece (rarity)
    incoming = {name: set() for name in peers}    # pieces on their way to a peer
    needy = []                                    # admitted peers still lacking wanted pieces
    free = {name: 0 for name in peers}            # free upload slots of admitted peers
    shares = [[] for _ in range(spec['waiters'])] # per waiter: [comm, kind, ...]
    doorbells = [Mailbox.by_name(f'doorbell:{w}') for w in range(spec['waiters'])]
    left = {'targets': sum(1 for p in spec['peers'] if p['role'] == 'target')}

    def useful(me, other):
        if other == me or len(incoming[other]) >= spec['maxIncoming']:
            return None
        choices = (have[me] & wanted[other]) - have[other] - incoming[other]
        if not choices:
            return None
        rarest = min(holders[c] for c in choices)
        return rng.choice(sorted(c for c in choices if holders[c] == rarest))

    def track(entry, current):
        """Hands a started comm to a waiter: the caller's own share unless well above the average
        (a doorbell costs a wake-up), else the least busy one, rung."""
        w = current
        if w is None or len(shares[w]) > 4 + 1.5 * sum(map(len, shares)) / len(shares):
            w = min(range(len(shares)), key=lambda k: len(shares[k]))
        shares[w].append(entry)
        if w != current:
            doorbells[w].put_init(None, 0).detach()

    def serve(me, current=None):
        while free[me] > 0 and have[me] and needy:
            for other in rng.sample(needy, min(len(needy), spec['sample'])):
                piece = useful(me, other)
                if piece is not None:
                    break
            else:
                return
            free[me] -= 1
            incoming[other].add(piece)
            track([Comm.sendto_async(hosts[me], hosts[other], piece_bytes), 'piece', me, other, piece], current)

    def admit(name, current):
        mark(name, 'joined')
        p = peers[name]
        if p['role'] == 'rejected':
            return
        free[name] = slots
        if p['role'] == 'seed' or p.get('holdsAll'):
            # the seed, or an intermediary that already holds the whole file's ciphertext (Fig. 11's C)
            for c in range(pieces):
                have[name].add(c)
                holders[c] += 1
        else:
            wanted[name] = set(range(pieces)) if p['wants'] >= pieces else set(rng.sample(range(pieces), p['wants']))
            needy.append(name)
        serve(name, current)

    def tracker_worker(w):
        def run():
            mine = spec['peers'][w::spec['tracker']['workers']]
            requests = [Comm.sendto_async(hosts[p['name']], tracker_host, spec['tracker']['requestBytes']) for p in mine]
            Comm.wait_all(requests)  # the burst of logins at the start: a few ms
            for p in mine:
                this_actor.execute(p['trackerFlops'])
                track([Comm.sendto_async(tracker_host, hosts[p['name']], spec['tracker']['replyBytes']), 'answer', p['name']], None)
        return run

    def retrier():
        while True:
            this_actor.sleep_for(spec['retryS'])
            for name in peers:
                if free[name]:
                    serve(name)

    def waiter(w):
        def run():
            share = shares[w]
            bell, holder = doorbells[w].get_async()
            while True:
                i = Comm.wait_any([entry[0] for entry in share] + [bell])
                if i == len(share):
                    del holder
                    bell, holder = doorbells[w].get_async()
                    continue
                entry = share.pop(i)
                if entry[1] == 'answer':
                    admit(entry[2], w)
                    continue
                _, _, source, target, piece = entry
                incoming[target].discard(piece)
                have[target].add(piece)
                holders[piece] += 1
                free[source] += 1
                if wanted[target] <= have[target]:
                    needy.remove(target)
                    if peers[target]['role'] == 'target':
                        mark(target, 'complete')
                        left['targets'] -= 1
                        if left['targets'] == 0:
                            Mailbox.by_name('swarm-done').put_init(None, 0).detach()
                serve(source, w)
                serve(target, w)
        return run

    for w in range(spec['waiters']):
        Actor.create(f'waiter/{w}', tracker_host, guarded(f'waiter/{w}', waiter(w))).daemonize()
    for w in range(spec['tracker']['workers']):
        Actor.create(f'tracker/{w}', tracker_host, guarded(f'tracker/{w}', tracker_worker(w))).daemonize()
    Actor.create('retrier', tracker_host, guarded('retrier', retrier)).daemonize()
    # The run ends when the last key holder holds the file; the daemons above end with it.
    Actor.create('watcher', tracker_host, guarded('watcher', lambda: Mailbox.by_name('swarm-done').get()))
    return ['watcher']


if model['kind'] == 'describe':
    # What SimGrid made of the platform file: its hosts, and the route between the pairs asked for
    # (asked from an actor: routes exist once the platform is sealed, when the run starts).
    described = {
        'hosts': [{'name': h.name, 'cores': h.core_count, 'speed': h.speed, 'disks': [d.name for d in h.get_disks()]} for h in engine.all_hosts],
        'routes': [],
    }

    def describe():
        for src, dst in model['routes']:
            links, latency = Host.by_name(src).route_to(Host.by_name(dst))
            described['routes'].append({'src': src, 'dst': dst, 'links': [link.name for link in links], 'bandwidths': [link.bandwidth for link in links], 'latencyS': latency})
    Actor.create('describe', engine.all_hosts[0], guarded('describe', describe))
    engine.run()
    print(json.dumps({**described, 'errors': errors}))
    sys.exit(1 if errors else 0)
elif model['kind'] == 'replay':
    for actor in model['actors']:
        Actor.create(actor['name'], Host.by_name(actor['host']), guarded(actor['name'], replay(actor['name'], actor['ops'])))
    expected = [a['name'] for a in model['actors']]
elif model['kind'] == 'swarm':
    expected = swarm(model)
else:
    raise SystemExit(f'{model_file}: unknown model kind {model["kind"]!r}')

engine.run()
stuck = [n for n in expected if n not in finished]
if stuck and not errors:
    errors.append(f'{len(stuck)} actor(s) never finished (a message nobody sends or receives): {", ".join(stuck[:5])}')
print(json.dumps({'endS': Engine.clock, 'marks': marks, 'errors': errors}))
sys.exit(1 if errors else 0)
