using System.Net;
using System.Net.Sockets;
using P2P.Dht;
using P2P.Node.DhtBinding;
using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Adversarial;

/// <summary>
/// What the hostile nodes of one swarm share: each other's contacts (filled in once they have started) and a set of
/// phantom contacts. A phantom has a well-formed identity nobody holds the key of, and the address of a UDP socket
/// on 127.0.0.1 that this coalition binds and never reads, so dialling it goes nowhere and no stray traffic leaves
/// loopback (a random port might belong to someone else's process).
/// </summary>
public sealed class HostileCoalition : IDisposable
{
    private readonly List<Socket> _blackHoles = [];
    private Contact[] _members = [];

    public HostileCoalition(int phantoms, Random random)
    {
        var list = new List<Contact>(phantoms);
        for (var i = 0; i < phantoms; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _blackHoles.Add(socket);
            var key = new byte[PeerId.PublicKeyLength];
            random.NextBytes(key);
            list.Add(ContactMapper.ToContact(PeerId.FromPublicKey(key), (IPEndPoint)socket.LocalEndPoint!));
        }
        Phantoms = list;
    }

    /// <summary>Contacts that look real and never answer.</summary>
    public IReadOnlyList<Contact> Phantoms { get; }

    /// <summary>The hostile nodes' contacts; empty until <see cref="SetMembers"/>.</summary>
    public IReadOnlyList<Contact> Members => Volatile.Read(ref _members);

    public void SetMembers(IEnumerable<Contact> members) => Volatile.Write(ref _members, [.. members]);

    public bool IsMember(Key id) => Array.Exists(Volatile.Read(ref _members), c => c.Id == id);

    /// <summary>Up to <paramref name="count"/> of <paramref name="pool"/> closest to <paramref name="target"/>, leaving out <paramref name="except"/>.</summary>
    public static IReadOnlyList<Contact> Closest(IEnumerable<Contact> pool, Key target, int count, Key except) =>
        [.. pool.Where(c => c.Id != except).OrderBy(c => c.Id.Xor(target)).Take(count)];

    public void Dispose()
    {
        foreach (var socket in _blackHoles)
            socket.Dispose();
    }
}
