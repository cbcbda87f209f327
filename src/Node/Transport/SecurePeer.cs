using System.Net;
using LiteNetLib;
using P2P.Node.Multiformats;
using P2P.Node.Security;

namespace P2P.Node.Transport;

/// <summary>An authenticated connection to one peer. Created by the transport; valid until <see cref="IsConnected"/> turns false.</summary>
public sealed class SecurePeer
{
    private volatile bool _connected = true;
    private BulkStream? _bulk;

    internal SecurePeer(NetPeer netPeer, SecureSession session, bool outbound, long now)
    {
        NetPeer = netPeer;
        Session = session;
        IsOutbound = outbound;
        RemoteEndPoint = new IPEndPoint(netPeer.Address, netPeer.Port);
        _lastVerified = now;
    }

    /// <summary>TimeProvider timestamp of the last frame from the peer that verified (the handshake counts as one).</summary>
    private long _lastVerified;

    /// <summary>TimeProvider timestamp of an unauthenticated reset or disconnect for this session; 0 when none is pending.</summary>
    private long _suspectedAt;

    internal long LastVerified => Interlocked.Read(ref _lastVerified);

    internal long SuspectedAt => Interlocked.Read(ref _suspectedAt);

    internal void Verified(long now) => Interlocked.Exchange(ref _lastVerified, now);

    /// <summary>Keeps the first pending suspicion: later ones must not push its deadline back.</summary>
    internal void Suspect(long now) => Interlocked.CompareExchange(ref _suspectedAt, now, 0);

    internal void ClearSuspicion() => Interlocked.Exchange(ref _suspectedAt, 0);

    public PeerId PeerId => Session.RemotePeer;

    public IPEndPoint RemoteEndPoint { get; }

    public CipherSuite Suite => Session.Suite;

    /// <summary>True when we dialled this peer.</summary>
    public bool IsOutbound { get; }

    public bool IsConnected => _connected;

    /// <summary>Direct, hole-punched or relayed (set when the session opens, and when a hole punch succeeds).</summary>
    public PeerPath Path { get; internal set; }

    /// <summary>Round-trip time LiteNetLib measures, in milliseconds.</summary>
    public int RoundTripMilliseconds => NetPeer.Ping * 2;

    internal NetPeer NetPeer { get; }

    internal SecureSession Session { get; }

    /// <summary>The TCP stream bound to this session for large messages, when one is up (see LiteNetTransport.Bulk.cs).</summary>
    internal BulkStream? Bulk
    {
        get => Volatile.Read(ref _bulk);
        set => Volatile.Write(ref _bulk, value);
    }

    /// <summary>Completes when a bulk stream is first bound to this session (tests and diagnostics).</summary>
    internal TaskCompletionSource BulkBound { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Bit c set: channel c has moved to the bulk stream (and must stay there to keep its order).</summary>
    private long _bulkChannels;

    internal bool UsesBulk(byte channel) => (Interlocked.Read(ref _bulkChannels) & (1L << channel)) != 0;

    internal void MoveToBulk(byte channel) => Interlocked.Or(ref _bulkChannels, 1L << channel);

    /// <summary>True when large messages currently travel on the TCP bulk path.</summary>
    public bool HasBulkPath => Bulk is { IsOpen: true };

    internal void MarkDisconnected()
    {
        _connected = false;
        if (Interlocked.Exchange(ref _bulk, null) is { } bulk)
            bulk.Close();
    }

    public override string ToString() => $"{PeerId}@{RemoteEndPoint}";
}
