using System.Net;
using P2P.Node.Tests.Transport;

namespace P2P.Node.Tests.Limits;

/// <summary>
/// A relay (<see cref="UdpRelay"/>) counting the payload bytes each way (what the server sends to, and receives from,
/// the relay's address: the address the server has to trust). Server-to-client packets are forwarded only while
/// <see cref="ForwardToClient"/> says so, which models a spoofed source: the server's answers go to an address that
/// never passes them on.
/// </summary>
internal sealed class CountingRelay : UdpRelay
{
    private readonly Lock _gate = new();
    private long _fromClient;
    private long _toClient;
    private int _packetsToClient;

    public CountingRelay(IPEndPoint server)
        : base(server, 0)
    {
    }

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
        lock (_gate)
            return (BytesFromClient, BytesToClient);
    }

    protected override bool FromServer(ReadOnlyMemory<byte> packet)
    {
        int number;
        lock (_gate)
        {
            Interlocked.Add(ref _toClient, packet.Length);
            number = Interlocked.Increment(ref _packetsToClient) - 1;
        }
        return ForwardToClient(number);
    }

    protected override void FromClient(ReadOnlyMemory<byte> packet)
    {
        lock (_gate)
            Interlocked.Add(ref _fromClient, packet.Length);
    }
}
