using System.Net;
using System.Net.Sockets;

namespace P2P.Node.Tests.Transport;

/// <summary>
/// A UDP relay on 127.0.0.1 between one client (the first address other than the server's to send to it) and a
/// server. The server knows the client only by the relay's address. Subclasses watch each datagram and decide
/// whether the server's reach the client; the socket, the forwarding loop and its shutdown live here.
/// </summary>
internal abstract class UdpRelay : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private IPEndPoint? _client;

    /// <param name="server">Where client datagrams go.</param>
    /// <param name="port">The relay's port: 0 for any.</param>
    protected UdpRelay(IPEndPoint server, int port)
    {
        _server = server;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The address the server sees as its peer's.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Sees a server-to-client datagram; true to pass it on.</summary>
    protected abstract bool FromServer(ReadOnlyMemory<byte> packet);

    /// <summary>Sees a client-to-server datagram before it is passed on.</summary>
    protected abstract void FromClient(ReadOnlyMemory<byte> packet);

    /// <summary>Sends <paramref name="datagram"/> to the server from the relay's (the peer's) address.</summary>
    protected void SendToServer(byte[] datagram) => _socket.SendTo(datagram, SocketFlags.None, _server);

    private async Task RunAsync()
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
                var from = (IPEndPoint)result.RemoteEndPoint;
                var packet = buffer.AsMemory(0, result.ReceivedBytes);
                if (from.Equals(_server))
                {
                    if (FromServer(packet) && _client is not null)
                        await _socket.SendToAsync(packet, SocketFlags.None, _client, _stop.Token);
                }
                else
                {
                    _client ??= from;
                    FromClient(packet);
                    await _socket.SendToAsync(packet, SocketFlags.None, _server, _stop.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
            // The relay is test scaffolding: a send error ends it, and the test's own assertions report the effect.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
