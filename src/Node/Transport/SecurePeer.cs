using System.Net;
using LiteNetLib;
using P2P.Node.Security;

namespace P2P.Node.Transport;

/// <summary>An authenticated connection to one peer. Created by the transport; valid until <see cref="IsConnected"/> turns false.</summary>
public sealed class SecurePeer
{
    private volatile bool _connected = true;

    internal SecurePeer(NetPeer netPeer, SecureSession session, bool outbound)
    {
        NetPeer = netPeer;
        Session = session;
        IsOutbound = outbound;
        RemoteEndPoint = new IPEndPoint(netPeer.Address, netPeer.Port);
    }

    public PeerId PeerId => Session.RemotePeer;

    public IPEndPoint RemoteEndPoint { get; }

    public CipherSuite Suite => Session.Suite;

    /// <summary>True when we dialled this peer.</summary>
    public bool IsOutbound { get; }

    public bool IsConnected => _connected;

    /// <summary>Round-trip time LiteNetLib measures, in milliseconds.</summary>
    public int RoundTripMilliseconds => NetPeer.Ping * 2;

    internal NetPeer NetPeer { get; }

    internal SecureSession Session { get; }

    internal void MarkDisconnected() => _connected = false;

    public override string ToString() => $"{PeerId}@{RemoteEndPoint}";
}
