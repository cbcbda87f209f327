using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace P2P.Node.Tests.Transport;

/// <summary>
/// A UDP relay on 127.0.0.1 between one client and a server that records every datagram the client sends and can
/// send datagrams of its own to the server. The server knows the client only by the relay's address, so what the
/// relay injects arrives exactly as a spoofed datagram with the peer's source address would: same address, same
/// port, indistinguishable at the socket. (Forging a source address from user space needs a raw socket and root;
/// the chaos row does that between daemons.)
/// </summary>
internal sealed class ReplayRelay : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentQueue<byte[]> _captured = new();
    private IPEndPoint? _client;

    /// <param name="server">Where client datagrams go.</param>
    /// <param name="port">The relay's port: 0 for any, or a previous relay's to stand for a peer restarted at the same address.</param>
    public ReplayRelay(IPEndPoint server, int port = 0)
    {
        _server = server;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The address the server sees as its peer's.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Client-to-server datagrams so far, in order (copies).</summary>
    public IReadOnlyList<byte[]> Captured => _captured.ToArray();

    /// <summary>Sends <paramref name="datagram"/> to the server from the peer's address.</summary>
    public void Inject(byte[] datagram) => _socket.SendTo(datagram, SocketFlags.None, _server);

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
                    if (_client is not null)
                        await _socket.SendToAsync(packet, SocketFlags.None, _client, _stop.Token);
                }
                else
                {
                    _client ??= from;
                    if (_captured.Count < 100_000)
                        _captured.Enqueue(packet.ToArray());
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
