using System.Net;
using CsCheck;
using P2P.Dht.Providers;

namespace P2P.Dht.Tests;

/// <summary>Provider records: exact expiry at the TTL, renewal, caps.</summary>
public sealed class ProviderStoreTests
{
    private static Contact Peer(int i) => Contact.FromIdentity(BitConverter.GetBytes(i), new IPEndPoint(IPAddress.Loopback, 4000 + i));

    [Fact]
    public void Get_RecordExpiresExactlyAtTtl()
    {
        Property.ForAll(Gen.Select(Gen.Long[0, TimeSpan.FromDays(30).Ticks], Gen.Int[1, 72 * 60], Generators.Key), t =>
        {
            var (added, ttlMinutes, key) = t;
            var ttl = TimeSpan.FromMinutes(ttlMinutes);
            var store = new ProviderStore(new DhtOptions { ProviderTtl = ttl, RepublishInterval = ttl / 2 });
            Assert.True(store.Add(key, Peer(1), added));
            Assert.Single(store.Get(key, added + ttl.Ticks - 1, 10));
            Assert.Empty(store.Get(key, added + ttl.Ticks, 10));
            Assert.Equal(0, store.Expire(added + ttl.Ticks - 1));
            Assert.Equal(1, store.Expire(added + ttl.Ticks));
            Assert.Equal(0, store.Count);
        }, 300, seed: 21);
    }

    [Fact]
    public void Add_Renewal_ExtendsExpiry()
    {
        var ttl = TimeSpan.FromHours(48);
        var store = new ProviderStore(new DhtOptions());
        var key = Key.Hash("k"u8);
        store.Add(key, Peer(1), 0);
        store.Add(key, Peer(1), TimeSpan.FromHours(22).Ticks);
        Assert.Equal(1, store.Count);
        Assert.Equal(TimeSpan.FromHours(22).Ticks + ttl.Ticks, store.ExpiresAt(key, Peer(1).Id));
        Assert.Single(store.Get(key, ttl.Ticks + 1, 10));
    }

    [Fact]
    public void Add_PerKeyCap_DropsSoonestToExpire()
    {
        var store = new ProviderStore(new DhtOptions { MaxProvidersPerKey = 2 });
        var key = Key.Hash("k"u8);
        store.Add(key, Peer(1), 0);
        store.Add(key, Peer(2), 10);
        store.Add(key, Peer(3), 20);
        Assert.Equal([Peer(2), Peer(3)], store.Get(key, 30, 10));
    }

    [Fact]
    public void Add_PerPeerCap_Refuses()
    {
        var store = new ProviderStore(new DhtOptions { MaxRecordsPerPeer = 2 });
        Assert.True(store.Add(Key.Hash("a"u8), Peer(1), 0));
        Assert.True(store.Add(Key.Hash("b"u8), Peer(1), 0));
        Assert.False(store.Add(Key.Hash("c"u8), Peer(1), 0));
        Assert.True(store.Add(Key.Hash("c"u8), Peer(2), 0));
        store.Expire(TimeSpan.FromDays(3).Ticks);
        Assert.True(store.Add(Key.Hash("c"u8), Peer(1), TimeSpan.FromDays(3).Ticks));
    }
}
