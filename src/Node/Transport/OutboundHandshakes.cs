using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using LiteNetLib;
using Microsoft.Extensions.Logging;
using P2P.Node.Multiformats;
using P2P.Node.Security;

namespace P2P.Node.Transport;

/// <summary>
/// The transport's outbound connect attempts (below the node's one peer <see cref="Dialer"/>, which calls
/// <see cref="ISecureTransport.ConnectAsync"/>): one pending handshake per remote endpoint, registered before LiteNetLib's Connect so the connected
/// event always finds it, awaited within the handshake timeout, and completed either by our own handshake (by
/// <see cref="HandshakeCoordinator"/>) or by a session the other side's simultaneous dial made on the one connection
/// LiteNetLib keeps (<see cref="Adopt"/>). The table is concurrent; each dial's state is guarded by its own lock.
/// </summary>
internal sealed class OutboundHandshakes(NodeIdentity identity, TransportOptions options, NetManager net, SessionTable sessions, DropCounter<DropReason> drops, TimeProvider time, ILogger logger)
{
    /// <summary>Outbound handshakes by remote endpoint.</summary>
    private readonly ConcurrentDictionary<IPEndPoint, PendingHandshake> _dials = new();

    /// <summary>Dials in progress; counted against the peer cap with the connected peers.</summary>
    public int Count => _dials.Count;

    public bool TryGet(IPEndPoint remote, [NotNullWhen(true)] out PendingHandshake? dial) => _dials.TryGetValue(remote, out dial);

    public async Task<ConnectResult> DialAsync(IPEndPoint remote, PeerId? expectedPeer, CancellationToken ct)
    {
        var key = new IPEndPoint(remote.Address, remote.Port);
        if (sessions.FindConnected(key) is { } existing)
            return Result(existing, expectedPeer);
        var pending = PendingHandshake.Outbound(key, new HandshakeInitiator(identity, expectedPeer, options.CipherSuites), expectedPeer);
        if (!_dials.TryAdd(key, pending))
        {
            pending.Dispose();
            return ConnectResult.Failure($"a connection to {key} is already in progress");
        }
        try
        {
            // Simultaneous open (docs/TRANSPORT.md): LiteNetLib keeps one connection per endpoint pair. When the other
            // side's connect request got here first, Connect returns that inbound connection (or null while the
            // request is being accepted), and when both requests cross, LiteNetLib keeps the one with the earlier
            // connect time and drops the other side's outgoing attempt (DisconnectReason.PeerToPeerConnection). Either
            // way only one handshake runs; this dial then completes with the session it makes (Adopt).
            var netPeer = net.Connect(key, options.ConnectionKey);
            var dialled = netPeer is { ConnectionState: ConnectionState.Outgoing } ? netPeer : null;
            if (netPeer?.Tag is SecurePeer already)
                Adopt(pending, already);
            using var timeout = new CancellationTokenSource(options.HandshakeTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            try
            {
                return await pending.Completion.Task.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                Abort(pending, dialled);
                // Last resort: a session with the endpoint that came up without passing through this dial.
                if (sessions.FindConnected(key, expectedPeer) is { } adopted)
                    return ConnectResult.Success(adopted);
                drops.Count(DropReason.HandshakeTimeout, key, "outbound handshake");
                return ConnectResult.Failure($"handshake with {key} timed out after {options.HandshakeTimeout.TotalSeconds:0.#} s");
            }
            catch (OperationCanceledException)
            {
                Abort(pending, dialled);
                throw;
            }
        }
        finally
        {
            _dials.TryRemove(new KeyValuePair<IPEndPoint, PendingHandshake>(key, pending));
        }
    }

    /// <summary>Ends an outbound dial with a session that the other side's simultaneous dial made on the one connection.</summary>
    public void Adopt(PendingHandshake dial, SecurePeer secure)
    {
        lock (dial.Lock)
        {
            if (dial.Finished)
                return;
            dial.Finished = true;
        }
        dial.Dispose();
        logger.LogDebug("Dial to {EndPoint} completes with the session {PeerId} opened from its side", dial.Remote, secure.PeerId);
        dial.Completion.TrySetResult(Result(secure, dial.ExpectedPeer));
    }

    private static ConnectResult Result(SecurePeer secure, PeerId? expectedPeer) =>
        expectedPeer is null || secure.PeerId == expectedPeer
            ? ConnectResult.Success(secure)
            : ConnectResult.Failure($"{secure.RemoteEndPoint} is already connected as {secure.PeerId}, not {expectedPeer}");

    /// <summary>Ends a dial that timed out or was cancelled; <paramref name="netPeer"/> is the connection it created, if any.</summary>
    private void Abort(PendingHandshake pending, NetPeer? netPeer)
    {
        lock (pending.Lock)
        {
            if (pending.Finished)
                return;
            pending.Finished = true;
        }
        pending.Dispose();
        // After a simultaneous open the connection may carry the other side's session or handshake (seen in a lossy
        // netns swarm: a dial timing out at join closed the live connection the two nodes had just made). Only a
        // connection this dial created and that still carries its handshake is ours to close.
        if (netPeer is not null && (netPeer.Tag is null || ReferenceEquals(netPeer.Tag, pending)))
            net.DisconnectPeer(netPeer);
    }
}
