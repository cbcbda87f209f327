using P2P.Dht.Network;

namespace P2P.Dht.Simulation;

/// <summary>
/// An in-memory network of simulated nodes on a <see cref="SimClock"/>: per-link latency, datagram loss,
/// dead nodes (they receive nothing and answer nothing) and replaceable request handlers (adversaries).
/// A request is delivered to the handler after the one-way delay, the reply comes back after the reverse
/// delay; a lost datagram simply never arrives and the caller's token ends the wait. Single-threaded,
/// like the clock.
/// </summary>
public sealed class SimNetwork
{
    private readonly SimClock _clock;
    private readonly SimNetworkOptions _options;
    private readonly Random _random;
    private readonly List<SimPeer> _peers = [];
    private readonly Dictionary<Key, int> _byId = [];

    public SimNetwork(SimClock clock, SimNetworkOptions options, int seed)
    {
        _clock = clock;
        _options = options;
        _random = new Random(seed);
    }

    public SimClock Clock => _clock;

    /// <summary>Requests sent by any node.</summary>
    public long Requests { get; private set; }

    /// <summary>Datagrams lost to the loss rate.</summary>
    public long Lost { get; private set; }

    /// <summary>Nodes attached.</summary>
    public int Count => _peers.Count;

    /// <summary>Attaches a node; returns its index. Its access delay is drawn from the link model.</summary>
    public int Add(Contact contact, IDhtRequestHandler? handler = null)
    {
        var quarter = _options.Rtt.Ticks / 4.0;
        var delay = (long)(quarter * (1 + (_options.RttSpread * ((2 * _random.NextDouble()) - 1))));
        var index = _peers.Count;
        _peers.Add(new SimPeer(contact, delay) { Handler = handler });
        _byId.Add(contact.Id, index);
        return index;
    }

    /// <summary>The outbound side for node <paramref name="index"/>.</summary>
    public IDhtNetwork Endpoint(int index) => new SimEndpoint(this, index);

    public Contact ContactOf(int index) => _peers[index].Contact;

    public void SetHandler(int index, IDhtRequestHandler handler) => _peers[index].Handler = handler;

    /// <summary>A dead node neither receives nor answers; its pending replies are dropped too.</summary>
    public void SetAlive(int index, bool alive) => _peers[index].Alive = alive;

    public bool IsAlive(int index) => _peers[index].Alive;

    /// <summary>Index of the node with <paramref name="id"/>, or -1 (a forged contact routes nowhere).</summary>
    public int IndexOf(Key id) => _byId.TryGetValue(id, out var index) ? index : -1;

    /// <summary>
    /// Sends a request from node <paramref name="from"/> and completes with the handler's answer, or with
    /// default when the datagram or the reply is lost, the target is dead or unknown, or the token fires.
    /// </summary>
    internal Task<T?> SendAsync<T>(int from, Contact to, Func<IDhtRequestHandler, Contact, T> handle, CancellationToken ct)
    {
        Requests++;
        if (ct.IsCancellationRequested) return Task.FromResult(default(T));
        var exchange = new Exchange<T>(handle);
        exchange.Registration = ct.Register(static s => ((Exchange<T>)s!).Completion.TrySetResult(default), exchange);
        var target = IndexOf(to.Id);
        if (target < 0 || !_peers[from].Alive || Drop()) return exchange.Completion.Task;
        var outbound = TimeSpan.FromTicks(_peers[from].AccessDelay + _peers[target].AccessDelay);
        _clock.Schedule(outbound, s => Deliver(from, target, (Exchange<T>)s!, outbound), exchange);
        return exchange.Completion.Task;
    }

    private void Deliver<T>(int from, int target, Exchange<T> exchange, TimeSpan backDelay)
    {
        var peer = _peers[target];
        if (!peer.Alive || peer.Handler is null || exchange.Completion.Task.IsCompleted) return;
        var answer = exchange.Handle(peer.Handler, _peers[from].Contact);
        if (Drop()) return;
        _clock.Schedule(backDelay, s =>
        {
            var e = (Exchange<T>)s!;
            if (!_peers[from].Alive) return;
            e.Registration.Dispose();
            e.Completion.TrySetResult(answer);
        }, exchange);
    }

    private bool Drop()
    {
        if (_options.LossRate <= 0 || _random.NextDouble() >= _options.LossRate) return false;
        Lost++;
        return true;
    }

    private sealed class SimPeer(Contact contact, long accessDelay)
    {
        public Contact Contact { get; } = contact;

        public long AccessDelay { get; } = accessDelay;

        public IDhtRequestHandler? Handler { get; set; }

        public bool Alive { get; set; } = true;
    }

    private sealed class Exchange<T>(Func<IDhtRequestHandler, Contact, T> handle)
    {
        public Func<IDhtRequestHandler, Contact, T> Handle { get; } = handle;

        public TaskCompletionSource<T?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }
    }
}
