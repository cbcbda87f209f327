using System.Net;
using System.Text.Json;
using P2P.Node.Hosting.Gateway.DelegatedRouting;
using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Gateway.DelegatedRouting;

/// <summary>
/// /routing/v1 on two connected daemons in process (real Kestrel, real UDP transport): what a node holds, the
/// provider records it keeps for others, and the peers it knows, each with the multiaddrs the node is reached at.
/// </summary>
public sealed class DelegatedRoutingDaemonTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private TestDaemon Seed => fixture.Seed;

    private TestDaemon Fetcher => fixture.Fetcher;

    [Fact]
    public async Task Providers_OfABlockTheNodeHolds_ListTheNodeFirst()
    {
        var cid = await Seed.AddAsync(TestDaemon.RandomBytes(5000, seed: 31));

        var first = (await ProvidersAsync(Seed, cid))[0];

        AssertIsSeed(first);
    }

    [Fact]
    public async Task Providers_RecordKeptForAnother_ListsThatProvider()
    {
        var cid = await Seed.AddAsync(TestDaemon.RandomBytes(5000, seed: 32));
        // The seed announces to the k closest it knows: the fetcher, which then keeps the record.
        using (var provide = await Seed.Api.PostAsync($"api/v0/dht/provide?arg={cid}", null))
            Assert.True(JsonDocument.Parse(await provide.Content.ReadAsStringAsync()).RootElement.GetProperty("Stored").GetInt32() >= 1);

        var providers = await ProvidersAsync(Fetcher, cid);

        // The fetcher does not hold the block, so the one provider is the seed.
        AssertIsSeed(Assert.Single(providers));
    }

    [Fact]
    public async Task Providers_NobodyHasIt_IsAnEmptyList()
    {
        var absent = Cid.V1(Multicodec.Raw, Multihash.Sha256(TestDaemon.RandomBytes(64, seed: 33)));

        Assert.Empty(await ProvidersAsync(Fetcher, absent));
    }

    [Fact]
    public async Task Peers_AConnectedPeer_ByItsCid_HasItsAddress()
    {
        using var response = await Fetcher.Gateway.GetAsync($"routing/v1/peers/{Seed.Node.Host.PeerId.ToCidString()}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var peers = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("Peers");
        AssertIsSeed(Assert.Single(peers.EnumerateArray()));
    }

    [Fact]
    public async Task Peers_TheNodeItself_HasEveryAdvertisedAddress()
    {
        var json = await Seed.Gateway.GetStringAsync($"routing/v1/peers/{Seed.Node.Host.PeerId}");

        var self = Assert.Single(JsonDocument.Parse(json).RootElement.GetProperty("Peers").EnumerateArray());
        var expected = Seed.Node.Host.Addresses.Select(a => NetworkRouter.Address(a.Address)).ToArray();
        Assert.Equal(expected, self.GetProperty("Addrs").EnumerateArray().Select(a => a.GetString()).ToArray());
    }

    private static async Task<List<JsonElement>> ProvidersAsync(TestDaemon node, Cid cid)
    {
        using var response = await node.Gateway.GetAsync($"routing/v1/providers/{cid}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("Providers").EnumerateArray().ToList();
    }

    /// <summary>The record names the seed, at the UDP multiaddr it listens on (no /p2p suffix), with our exchange.</summary>
    private void AssertIsSeed(JsonElement record)
    {
        Assert.Equal("peer", record.GetProperty("Schema").GetString());
        Assert.Equal(Seed.Node.Host.PeerId.ToString(), record.GetProperty("ID").GetString());
        var listen = Multiaddr.Format(Seed.Node.Host.Address.EndPoint, null);
        Assert.StartsWith("/ip4/127.0.0.1/udp/", listen, StringComparison.Ordinal);
        Assert.Contains(listen, record.GetProperty("Addrs").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal([NetworkRouter.ExchangeProtocol], record.GetProperty("Protocols").EnumerateArray().Select(p => p.GetString()!).ToArray());
    }
}
