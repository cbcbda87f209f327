using System.Collections.Concurrent;
using System.Net;
using LiteNetLib;
using Microsoft.Extensions.Logging;
using P2P.Node.Security;

namespace P2P.Node.Transport;

/// <summary>
/// Authenticated liveness, which <see cref="SessionGuard"/> relies on: every session sends a sealed keepalive every
/// <see cref="KeepaliveInterval"/>, every verified frame refreshes <see cref="SecurePeer.LastVerified"/>, our own
/// disconnects carry a sealed goodbye, and a session that was sent an unauthenticated reset or disconnect is closed
/// here only if it then stays silent. LiteNetLib's own keepalive cannot serve: its pings are as forgeable as the
/// rest of its control packets.
/// </summary>
public sealed partial class LiteNetTransport
{
    /// <summary>How often each session sends a sealed keepalive.</summary>
    internal static readonly TimeSpan KeepaliveInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// No verified frame for this long (four keepalives) and the session is silent: a connect request from its
    /// endpoint may replace it, and a pending suspicion closes it.
    /// </summary>
    internal static readonly TimeSpan SilentAfter = TimeSpan.FromSeconds(2);

    private static readonly byte[] GoodbyeLabel = "p2p/bye"u8.ToArray();

    /// <summary>Authenticated sessions by remote endpoint, for the packet guard (LiteNetLib keeps one connection per endpoint).</summary>
    private readonly ConcurrentDictionary<IPEndPoint, SecurePeer> _sessions = new();

    private ITimer? _keepalive;

    private void StartKeepalive() =>
        _keepalive = _time.CreateTimer(static s => ((LiteNetTransport)s!).KeepaliveTick(), this, KeepaliveInterval, KeepaliveInterval);

    /// <summary>Records a new session; a previous one at the endpoint (LiteNetLib already replaced its connection) is forgotten.</summary>
    private void AddSession(SecurePeer secure)
    {
        secure.Verified(_time.GetTimestamp());
        _peers[secure.NetPeer.Id] = secure;
        _sessions[secure.RemoteEndPoint] = secure;
    }

    private void RemoveSession(SecurePeer secure) =>
        _sessions.TryRemove(new KeyValuePair<IPEndPoint, SecurePeer>(secure.RemoteEndPoint, secure));

    internal SecurePeer? FindSession(IPEndPoint endPoint)
    {
        // LiteNetLib passes its peer object (an IPEndPoint subclass with its own hash) for known endpoints.
        var key = endPoint.GetType() == typeof(IPEndPoint) ? endPoint : new IPEndPoint(endPoint.Address, endPoint.Port);
        return _sessions.TryGetValue(key, out var secure) && secure.IsConnected ? secure : null;
    }

    internal bool IsSilent(SecurePeer secure) => _time.GetElapsedTime(secure.LastVerified) >= SilentAfter;

    internal void Suspect(SecurePeer secure) => secure.Suspect(_time.GetTimestamp());

    /// <summary>The sealed goodbye our disconnect packets carry as LiteNetLib's additional data.</summary>
    private static byte[] Goodbye(SecurePeer secure) => secure.Session.Seal(GoodbyeLabel);

    /// <summary>True when <paramref name="data"/> is a goodbye sealed by this session's peer (and not seen before).</summary>
    internal bool IsGoodbye(SecurePeer secure, ReadOnlySpan<byte> data)
    {
        if (secure.Session.PlaintextLength(data.Length) != GoodbyeLabel.Length)
            return false;
        Span<byte> plaintext = stackalloc byte[GoodbyeLabel.Length];
        return secure.Session.TryOpen(data, plaintext) == SessionOpenStatus.Ok && plaintext.SequenceEqual(GoodbyeLabel);
    }

    private void OnKeepalive(SecurePeer secure, ReadOnlySpan<byte> sealedFrame)
    {
        if (secure.Session.PlaintextLength(sealedFrame.Length) != 0)
        {
            _drops.Count(DropReason.MalformedFrame, secure.RemoteEndPoint, "keepalive with a payload");
            return;
        }
        switch (secure.Session.TryOpen(sealedFrame, []))
        {
            case SessionOpenStatus.Ok:
                secure.Verified(_time.GetTimestamp());
                break;
            case SessionOpenStatus.Replayed:
                _drops.Count(DropReason.Replayed, secure.RemoteEndPoint, "keepalive");
                break;
            default:
                _drops.Count(DropReason.Forged, secure.RemoteEndPoint, "keepalive");
                break;
        }
    }

    private void KeepaliveTick()
    {
        if (_disposed != 0)
            return;
        foreach (var secure in _peers.Values)
        {
            if (!secure.IsConnected)
                continue;
            var suspected = secure.SuspectedAt;
            if (suspected != 0)
            {
                if (IsSilent(secure))
                {
                    CloseLocally(secure, "silent after an unauthenticated reset or disconnect");
                    continue;
                }
                if (secure.LastVerified > suspected)
                    secure.ClearSuspicion(); // it has spoken since: the reset was not its own
            }
            SendKeepalive(secure);
        }
    }

    private void SendKeepalive(SecurePeer secure)
    {
        var frame = new byte[1 + secure.Session.SealedLength(0)];
        frame[0] = (byte)FrameKind.Keepalive;
        secure.Session.Seal([], frame.AsSpan(1));
        // Unreliable: a lost keepalive is replaced by the next, and a late one fails the replay check harmlessly.
        secure.NetPeer.Send(frame, 0, DeliveryMethod.Unreliable);
    }

    /// <summary>Ends a session whose peer has gone (no goodbye: it could not read one).</summary>
    private void CloseLocally(SecurePeer secure, string reason)
    {
        if (!_peers.TryRemove(new KeyValuePair<int, SecurePeer>(secure.NetPeer.Id, secure)))
            return;
        RemoveSession(secure);
        secure.MarkDisconnected();
        _logger.LogInformation("Closed the session with {PeerId} at {EndPoint}: {Reason}", secure.PeerId, secure.RemoteEndPoint, reason);
        _net.DisconnectPeer(secure.NetPeer);
        PeerDisconnected?.Invoke(this, new SecurePeerEventArgs(secure, reason));
    }
}
