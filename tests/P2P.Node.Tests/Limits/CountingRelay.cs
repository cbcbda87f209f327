using System.Net;
using System.Net.Sockets;

namespace P2P.Node.Tests.Limits;

/// <summary>
/// A UDP relay on 127.0.0.1 between one client and a server, counting the payload bytes each way (what the server
/// sends to, and receives from, the relay's address: the address the server has to trust). Server-to-client
/// packets are forwarded only while <see cref="ForwardToClient"/> says so, which models a spoofed source: the
/// server's answers go to an address that never passes them on.
/// </summary>
internal sealed class CountingRelay : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private IPEndPoint? _client;
    private long _fromClient;
    private long _toClient;
    private int _packetsToClient;

    public CountingRelay(IPEndPoint server)
    {
        _server = server;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = Task.Run(RunAsync);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Decides, per server packet (numbered from 0), whether it reaches the client.</summary>
    public Func<int, bool> ForwardToClient { get; set; } = _ => true;

    /// <summary>UDP payload bytes the server received from the relay's address.</summary>
    public long BytesFromClient => Interlocked.Read(ref _fromClient);

    /// <summary>UDP payload bytes the server sent to the relay's address (forwarded or not).</summary>
    public long BytesToClient => Interlocked.Read(ref _toClient);

    public int PacketsToClient => Volatile.Read(ref _packetsToClient);

    /// <summary>Reading both counters at one moment.</summary>
    public (long Received, long Sent) Snapshot()
    {
        lock (_stop)
            return (BytesFromClient, BytesToClient);
    }

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
                    int number;
                    lock (_stop)
                    {
                        Interlocked.Add(ref _toClient, packet.Length);
                        number = Interlocked.Increment(ref _packetsToClient) - 1;
                    }
                    if (_client is not null && ForwardToClient(number))
                        await _socket.SendToAsync(packet, SocketFlags.None, _client, _stop.Token);
                }
                else
                {
                    _client ??= from;
                    lock (_stop)
                        Interlocked.Add(ref _fromClient, packet.Length);
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
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
