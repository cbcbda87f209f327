using System.Collections.Concurrent;
using System.Net;

namespace P2P.Node.Tests.Transport;

/// <summary>
/// A relay (<see cref="UdpRelay"/>) that records every datagram the client sends and can send datagrams of its own to
/// the server. What it injects arrives exactly as a spoofed datagram with the peer's source address would: same
/// address, same port, indistinguishable at the socket. (Forging a source address from user space needs a raw
/// socket and root; the chaos row does that between daemons.)
/// </summary>
internal sealed class ReplayRelay : UdpRelay
{
    private readonly ConcurrentQueue<byte[]> _captured = new();

    /// <param name="server">Where client datagrams go.</param>
    /// <param name="port">The relay's port: 0 for any, or a previous relay's to stand for a peer restarted at the same address.</param>
    public ReplayRelay(IPEndPoint server, int port = 0)
        : base(server, port)
    {
    }

    /// <summary>Client-to-server datagrams so far, in order (copies).</summary>
    public IReadOnlyList<byte[]> Captured => _captured.ToArray();

    /// <summary>Sends <paramref name="datagram"/> to the server from the peer's address.</summary>
    public void Inject(byte[] datagram) => SendToServer(datagram);

    protected override bool FromServer(ReadOnlyMemory<byte> packet) => true;

    protected override void FromClient(ReadOnlyMemory<byte> packet)
    {
        if (_captured.Count < 100_000)
            _captured.Enqueue(packet.ToArray());
    }
}
