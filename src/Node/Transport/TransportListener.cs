using System.Net;
using System.Net.Sockets;
using LiteNetLib;
using LiteNetLib.Utils;

namespace P2P.Node.Transport;

/// <summary>
/// Forwards LiteNetLib's callbacks to the transport, so the public type does not expose LiteNetLib. With
/// UnsyncedEvents these run on LiteNetLib's receive and logic threads. Every reader is recycled here
/// (AutoRecycle is off), including on paths the transport ignores.
/// </summary>
internal sealed class TransportListener(LiteNetTransport transport) : INetEventListener
{
    public void OnConnectionRequest(ConnectionRequest request) => transport.OnConnectionRequest(request);

    public void OnPeerConnected(NetPeer peer) => transport.OnPeerConnected(peer);

    public void OnPeerDisconnected(NetPeer peer, DisconnectInfo disconnectInfo)
    {
        try
        {
            transport.OnPeerDisconnected(peer, disconnectInfo.Reason);
        }
        finally
        {
            disconnectInfo.AdditionalData?.Recycle();
        }
    }

    public void OnNetworkReceive(NetPeer peer, NetPacketReader reader, byte channelNumber, DeliveryMethod deliveryMethod)
    {
        try
        {
            transport.OnReceive(peer, reader.GetRemainingBytesSpan(), channelNumber);
        }
        finally
        {
            reader.Recycle();
        }
    }

    public void OnNetworkReceiveUnconnected(IPEndPoint remoteEndPoint, NetPacketReader reader, UnconnectedMessageType messageType) =>
        reader.Recycle();

    public void OnNetworkError(IPEndPoint endPoint, SocketError socketError) => transport.OnNetworkError(endPoint, socketError);

    public void OnNetworkLatencyUpdate(NetPeer peer, int latency)
    {
    }

    public void OnMessageDelivered(NetPeer peer, object userData)
    {
    }

    public void OnNtpResponse(NtpPacket packet)
    {
    }

    public void OnPeerAddressChanged(NetPeer peer, IPEndPoint previousAddress)
    {
    }
}
