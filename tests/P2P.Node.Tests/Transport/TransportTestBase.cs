using System.Net;
using P2P.Node.Security;
using P2P.Node.Transport;

namespace P2P.Node.Tests.Transport;

/// <summary>
/// Real LiteNetLib transports on 127.0.0.1 for one test: each made by <see cref="Create"/> with a fresh identity,
/// all disposed (with their identities) when the test ends, and one deadline for the whole test.
/// </summary>
public abstract class TransportTestBase(TimeSpan deadline) : IAsyncLifetime
{
    private readonly List<LiteNetTransport> _transports = [];
    private readonly List<NodeIdentity> _identities = [];
    private readonly CancellationTokenSource _timeout = new(deadline);

    protected CancellationToken Ct => _timeout.Token;

    /// <param name="bind">A loopback address other than 127.0.0.1, for tests that need peers at distinct addresses.</param>
    protected LiteNetTransport Create(TransportOptions? options = null, TimeProvider? time = null, IPAddress? bind = null)
    {
        var identity = NodeIdentity.Generate();
        var transport = new LiteNetTransport(identity, options, time);
        transport.Start(new IPEndPoint(bind ?? IPAddress.Loopback, 0));
        _identities.Add(identity);
        _transports.Add(transport);
        return transport;
    }

    /// <summary>
    /// A dial-back check once <paramref name="node"/> has a session to ask through: the side that accepted a connection
    /// finishes its handshake a moment after the dialling side, and a check before that has no one to ask.
    /// </summary>
    protected async Task<Reachability> CheckReachabilityOnceConnectedAsync(LiteNetTransport node)
    {
        await WaitForAsync(() => node.Peers.Any(p => p.IsConnected), node);
        return await node.Nat.CheckReachabilityAsync(Ct);
    }

    /// <summary>
    /// Waits for <paramref name="condition"/>, checking it again whenever a watched transport connects or loses a
    /// peer, its NAT state or its relay's reservations and circuits change, or it counts a dropped packet (no
    /// polling); the test's deadline bounds the wait.
    /// </summary>
    protected Task WaitForAsync(Func<bool> condition, params LiteNetTransport[] watched) =>
        WaitForAsync("the condition holds", condition, watched);

    /// <inheritdoc cref="WaitForAsync(Func{bool}, LiteNetTransport[])"/>
    /// <param name="what">What is awaited, for the failure message if the deadline passes first.</param>
    protected async Task WaitForAsync(string what, Func<bool> condition, params LiteNetTransport[] watched)
    {
        // Not disposed: a transport thread may still be inside Wake while the handlers are being removed, and a
        // SemaphoreSlim that never exposed its wait handle holds nothing that needs disposing.
        var changed = new SemaphoreSlim(0);
        void Wake(object? sender, EventArgs e) => changed.Release();
        void WakeOnDrop(DropReason reason) => changed.Release();
        void WakeOnRelay() => changed.Release();
        foreach (var t in watched)
        {
            t.PeerConnected += Wake;
            t.PeerDisconnected += Wake;
            t.Nat.Changed += Wake;
            t.Nat.Relay.Changed += WakeOnRelay;
            t.Dropped += WakeOnDrop;
        }
        try
        {
            while (!condition())
                await changed.WaitAsync(Ct);
        }
        catch (OperationCanceledException) when (Ct.IsCancellationRequested)
        {
            Assert.Fail($"the test's deadline passed before {what}");
        }
        finally
        {
            foreach (var t in watched)
            {
                t.PeerConnected -= Wake;
                t.PeerDisconnected -= Wake;
                t.Nat.Changed -= Wake;
                t.Nat.Relay.Changed -= WakeOnRelay;
                t.Dropped -= WakeOnDrop;
            }
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var transport in _transports)
            await transport.DisposeAsync();
        foreach (var identity in _identities)
            identity.Dispose();
        _timeout.Dispose();
    }
}
