using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace P2P.Node.Hosting.Discovery;

/// <summary>
/// The mDNS socket: UDP port 5353 on every address (shared with other responders on the host, such as avahi, through
/// SO_REUSEADDR), a member of 224.0.0.251 on the chosen interfaces only, sending with TTL 255 (RFC 6762 §11) out of
/// one interface at a time. Each datagram is handed on with the index of the interface it came in on, so traffic of
/// interfaces the node does not listen on is told apart and dropped. Written by hand: see <see cref="MdnsReader"/>.
/// </summary>
public sealed class MdnsSocket : IMdnsLink, IAsyncDisposable
{
    public static readonly IPAddress Group = IPAddress.Parse("224.0.0.251");

    private readonly Socket _socket;
    private readonly IPEndPoint _groupEndPoint;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    /// <summary>Guards the multicast-interface option and the send that follows it (timer and receive threads both send).</summary>
    private readonly Lock _sendLock = new();
    private Task _receiveLoop = Task.CompletedTask;

    private MdnsSocket(Socket socket, int port, ILogger logger)
    {
        _socket = socket;
        _groupEndPoint = new IPEndPoint(Group, port);
        _logger = logger;
    }

    /// <summary>Binds <paramref name="port"/> and joins the group on <paramref name="interfaces"/>; throws <see cref="SocketException"/> when it cannot.</summary>
    public static MdnsSocket Open(IReadOnlyList<LanInterface> interfaces, int port, ILogger logger)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            foreach (var index in interfaces.Select(i => i.Index).Distinct())
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(Group, index));
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255);
            // Our own multicasts come back to us (and are ignored by PeerId); another node on this host needs them.
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
            return new MdnsSocket(socket, port, logger);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Starts handing every datagram to <paramref name="onPacket"/> (data, interface index, source) on a background task.</summary>
    public void StartReceiving(Action<ReadOnlyMemory<byte>, int, IPEndPoint> onPacket) =>
        _receiveLoop = Task.Run(() => ReceiveLoopAsync(onPacket, _stopping.Token));

    public void Send(LanInterface via, byte[] message)
    {
        try
        {
            lock (_sendLock)
            {
                _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, via.Address.GetAddressBytes());
                _socket.SendTo(message, _groupEndPoint);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            _logger.LogDebug("mDNS send on {Interface} failed: {Error}", via.Name, e.Message);
        }
    }

    private async Task ReceiveLoopAsync(Action<ReadOnlyMemory<byte>, int, IPEndPoint> onPacket, CancellationToken ct)
    {
        // One byte more than the largest message, so a datagram that fills the buffer is known to be too long.
        var buffer = new byte[MdnsMessage.MaxBytes + 1];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!ct.IsCancellationRequested)
        {
            SocketReceiveMessageFromResult result;
            try
            {
                result = await _socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, any, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                _logger.LogDebug("mDNS receive failed: {Error}", e.Message);
                continue;
            }
            if (result.RemoteEndPoint is not IPEndPoint source)
                continue;
            try
            {
                onPacket(buffer.AsMemory(0, result.ReceivedBytes), result.PacketInformation.Interface, source);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A bug in handling one datagram must not end discovery; it is logged with its stack.
                _logger.LogError(e, "mDNS packet from {Source} could not be handled", source);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket.Dispose();
        await _receiveLoop;
        _stopping.Dispose();
    }
}
