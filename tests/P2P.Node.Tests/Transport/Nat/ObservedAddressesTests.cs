using System.Net;
using P2P.Node.Multiformats;
using P2P.Node.Transport.Nat;

namespace P2P.Node.Tests.Transport.Nat;

public sealed class ObservedAddressesTests : IDisposable
{
    private readonly PeerIds _peers = new();

    public void Dispose() => _peers.Dispose();

    private PeerId NewPeer() => _peers.New();

    private static readonly IPEndPoint Real = new(IPAddress.Parse("198.18.1.1"), 40000);
    private static readonly IPEndPoint Lie = new(IPAddress.Parse("198.18.9.9"), 9);

    [Fact]
    public void Report_OneLiarAmongHonestPeers_ChangesNothing()
    {
        var book = new ObservedAddresses(quorum: 2);
        book.Report(NewPeer(), IPAddress.Parse("198.18.0.1"), Real);
        book.Report(NewPeer(), IPAddress.Parse("198.18.0.2"), Real);
        Assert.Equal(Real, book.Confirmed);

        book.Report(NewPeer(), IPAddress.Parse("198.18.0.3"), Lie);

        Assert.Equal(Real, book.Confirmed);
    }

    [Fact]
    public void Report_ManyIdentitiesFromOneAddress_CountOnce()
    {
        var book = new ObservedAddresses(quorum: 2);
        var liar = IPAddress.Parse("198.18.0.66");
        for (var i = 0; i < 20; i++)
            book.Report(NewPeer(), liar, Lie);

        Assert.Null(book.Confirmed);
    }

    [Fact]
    public void Report_BelowQuorum_IsNotBelieved()
    {
        var book = new ObservedAddresses(quorum: 2);
        Assert.False(book.Report(NewPeer(), IPAddress.Parse("198.18.0.1"), Real));
        Assert.Null(book.Confirmed);
        Assert.True(book.Report(NewPeer(), IPAddress.Parse("198.18.0.2"), Real));
    }
}
