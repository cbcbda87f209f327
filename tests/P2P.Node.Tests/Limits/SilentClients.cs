using System.Net;
using LiteNetLib;

namespace P2P.Node.Tests.Limits;

/// <summary>
/// Raw LiteNetLib clients that connect with the right protocol key and then never start the handshake: the
/// half-open connections a cheap attacker holds. Each has its own socket (its own source port) on 127.0.0.1.
/// </summary>
internal sealed class SilentClients : IDisposable
{
    private readonly List<NetManager> _managers = [];
    private int _connected;
    private int _refused;
    private int _expected;

    public int Connected => Volatile.Read(ref _connected);

    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Completes once every client has been either accepted or refused.</summary>
    public TaskCompletionSource AllSettled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Connect(IPEndPoint server, int count, string key = "p2p/1")
    {
        Interlocked.Add(ref _expected, count);
        for (var i = 0; i < count; i++)
        {
            var listener = new EventBasedNetListener();
            listener.PeerConnectedEvent += _ => Settle(ref _connected);
            listener.PeerDisconnectedEvent += (_, info) =>
            {
                if (info.Reason == DisconnectReason.ConnectionRejected)
                    Settle(ref _refused);
            };
            var manager = new NetManager(listener) { UnsyncedEvents = true, IPv6Enabled = false, DisconnectTimeout = 30_000 };
            if (!manager.Start(IPAddress.Loopback, IPAddress.IPv6Any, 0))
                throw new InvalidOperationException("could not bind a client socket");
            _managers.Add(manager);
            manager.Connect(server, key);
        }
    }

    private void Settle(ref int counter)
    {
        Interlocked.Increment(ref counter);
        if (Connected + Refused >= Volatile.Read(ref _expected))
            AllSettled.TrySetResult();
    }

    public void Dispose()
    {
        foreach (var manager in _managers)
            manager.Stop(sendDisconnectMessages: false);
    }
}
