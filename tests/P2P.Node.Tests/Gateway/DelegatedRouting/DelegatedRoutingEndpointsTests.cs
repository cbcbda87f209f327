using System.Net;
using System.Text.Json;
using P2P.Node.Hosting.Gateway.DelegatedRouting;

namespace P2P.Node.Tests.Gateway.DelegatedRouting;

/// <summary>The Delegated Routing V1 endpoints over real HTTP, answering from a scripted router on a fake clock.</summary>
public sealed class DelegatedRoutingEndpointsTests
{
    private const string ProvidersPath = "routing/v1/providers/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
    private const string NdJson = "application/x-ndjson";

    [Fact]
    public async Task Providers_Json_IsTheSpecsShapeWithItsHeaders()
    {
        var router = new ScriptedRouter();
        router.Providers.AddRange([ScriptedRouter.Record(1), ScriptedRouter.Record(2)]);
        await using var host = await RoutingTestHost.StartAsync(router);

        using var response = await host.Client.GetAsync(ProvidersPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        var expected = $$"""{"Providers":[{"Schema":"peer","ID":"{{router.Providers[0].Id}}","Addrs":["/ip4/10.0.0.1/udp/4001","/ip6/::1/udp/4001"],"Protocols":["transport-p2p-exchange"]},""" +
            $$"""{"Schema":"peer","ID":"{{router.Providers[1].Id}}","Addrs":["/ip4/10.0.0.2/udp/4001","/ip6/::1/udp/4001"],"Protocols":["transport-p2p-exchange"]}]}""";
        Assert.Equal(expected, body);
        Assert.StartsWith("12D3KooW", router.Providers[0].Id.ToString(), StringComparison.Ordinal);
        Assert.Equal("public, max-age=300, stale-while-revalidate=172800, stale-if-error=172800", response.Headers.CacheControl!.ToString());
        Assert.Equal("Accept", Assert.Single(response.Headers.Vary));
        Assert.Equal(RoutingTestHost.Start, response.Content.Headers.LastModified);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Providers_NoneFound_IsAnEmptyListCachedBriefly()
    {
        await using var host = await RoutingTestHost.StartAsync(new ScriptedRouter());

        using var response = await host.Client.GetAsync(ProvidersPath);

        // IPIP-0513: 200 with no records, not 404 (which clients must read as the same thing).
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"Providers":[]}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("public, max-age=15, stale-while-revalidate=172800, stale-if-error=172800", response.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task Providers_NdJson_WritesEachRecordAsItIsFound()
    {
        var router = new ScriptedRouter { PauseAfter = 1 };
        router.Providers.AddRange([ScriptedRouter.Record(1), ScriptedRouter.Record(2)]);
        await using var host = await RoutingTestHost.StartAsync(router);
        using var request = new HttpRequestMessage(HttpMethod.Get, ProvidersPath);
        request.Headers.Accept.ParseAdd("application/x-ndjson, application/json;q=0.8");

        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        // The lookup waits for its second provider until the first line is read: unflushed, the read times out.
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, router.Yielded);
        router.Resume();
        var second = await reader.ReadLineAsync();
        var end = await reader.ReadLineAsync();

        Assert.Equal(NdJson, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(router.Providers[0].Id.ToString(), JsonDocument.Parse(first!).RootElement.GetProperty("ID").GetString());
        Assert.Equal(router.Providers[1].Id.ToString(), JsonDocument.Parse(second!).RootElement.GetProperty("ID").GetString());
        Assert.Equal("peer", JsonDocument.Parse(second!).RootElement.GetProperty("Schema").GetString());
        Assert.Null(end);
        Assert.Equal("public, max-age=300, stale-while-revalidate=172800, stale-if-error=172800", response.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task Providers_NdJsonWithNone_IsAnEmptyBody()
    {
        await using var host = await RoutingTestHost.StartAsync(new ScriptedRouter());
        using var request = new HttpRequestMessage(HttpMethod.Get, ProvidersPath);
        request.Headers.Accept.ParseAdd(NdJson);

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(NdJson, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.StartsWith("public, max-age=15,", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Providers_ManyFound_StopsAtTheCapOfEachBodyType()
    {
        var router = new ScriptedRouter();
        for (var i = 1; i <= 10; i++)
            router.Providers.Add(ScriptedRouter.Record(i));
        await using var host = await RoutingTestHost.StartAsync(router, new DelegatedRoutingOptions { MaxJsonRecords = 3, MaxStreamRecords = 5 });

        var json = JsonDocument.Parse(await host.Client.GetStringAsync(ProvidersPath));
        await router.Ended.Task;
        var (yieldedForJson, askedForJson) = (router.Yielded, router.AskedMax);
        using var request = new HttpRequestMessage(HttpMethod.Get, ProvidersPath);
        request.Headers.Accept.ParseAdd(NdJson);
        using var streamed = await host.Client.SendAsync(request);
        var lines = (await streamed.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(3, json.RootElement.GetProperty("Providers").GetArrayLength());
        // The lookup is stopped once the answer is full, not run to its end.
        Assert.Equal(3, yieldedForJson);
        Assert.Equal(3, askedForJson);
        Assert.Equal(5, lines.Length);
        Assert.Equal(5, router.AskedMax);
    }

    [Fact]
    public async Task Providers_LookupOutlastsTheTimeCap_AnswersWithWhatWasFound()
    {
        var router = new ScriptedRouter { PauseAfter = 1 };
        router.Providers.AddRange([ScriptedRouter.Record(1), ScriptedRouter.Record(2)]);
        await using var host = await RoutingTestHost.StartAsync(router, new DelegatedRoutingOptions { Timeout = TimeSpan.FromSeconds(30) });

        var answer = host.Client.GetStringAsync(ProvidersPath);
        await router.Paused.Task;
        host.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(answer.IsCompleted);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var json = JsonDocument.Parse(await answer);

        var providers = json.RootElement.GetProperty("Providers");
        Assert.Equal(router.Providers[0].Id.ToString(), Assert.Single(providers.EnumerateArray()).GetProperty("ID").GetString());
    }

    [Theory]
    [InlineData("not-a-cid")]
    [InlineData("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52z")]
    public async Task Providers_MalformedCid_Is400WithAPlainTextReason(string cid)
    {
        await using var host = await RoutingTestHost.StartAsync(new ScriptedRouter());

        using var response = await host.Client.GetAsync($"routing/v1/providers/{cid}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("unable to parse CID: ", text, StringComparison.Ordinal);
        Assert.Single(text.TrimEnd('\n').Split('\n'));
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task Providers_AcceptWithNoTypeWeSend_Is400()
    {
        await using var host = await RoutingTestHost.StartAsync(new ScriptedRouter());
        using var request = new HttpRequestMessage(HttpMethod.Get, ProvidersPath);
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("application/x-ndjson", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Providers_Filters_DropAndTrimRecords()
    {
        var router = new ScriptedRouter();
        router.Providers.AddRange([ScriptedRouter.Record(1), ScriptedRouter.Record(2, "transport-bitswap")]);
        await using var host = await RoutingTestHost.StartAsync(router);

        var json = JsonDocument.Parse(await host.Client.GetStringAsync(ProvidersPath + "?filter-protocols=transport-p2p-exchange&filter-addrs=!ip6"));

        // Filtered, the router is asked for more than a JSON answer holds, so dropped records leave room for others.
        Assert.Equal(new DelegatedRoutingOptions().MaxStreamRecords, router.AskedMax);

        var only = Assert.Single(json.RootElement.GetProperty("Providers").EnumerateArray());
        Assert.Equal(router.Providers[0].Id.ToString(), only.GetProperty("ID").GetString());
        Assert.Equal("/ip4/10.0.0.1/udp/4001", Assert.Single(only.GetProperty("Addrs").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Peers_Base58AndCidForms_FindTheSamePeer()
    {
        var router = new ScriptedRouter();
        var record = ScriptedRouter.Record(7);
        router.Peers[record.Id] = record;
        await using var host = await RoutingTestHost.StartAsync(router);

        var byBase58 = await host.Client.GetStringAsync($"routing/v1/peers/{record.Id}");
        var byCid = await host.Client.GetStringAsync($"routing/v1/peers/{record.Id.ToCidString()}");

        Assert.StartsWith("bafz", record.Id.ToCidString(), StringComparison.Ordinal);
        Assert.Equal(byBase58, byCid);
        var peer = Assert.Single(JsonDocument.Parse(byBase58).RootElement.GetProperty("Peers").EnumerateArray());
        Assert.Equal(record.Id.ToString(), peer.GetProperty("ID").GetString());
        Assert.Equal("/ip4/10.0.0.7/udp/4001", peer.GetProperty("Addrs")[0].GetString());
    }

    [Fact]
    public async Task Peers_NdJson_IsOneLine()
    {
        var router = new ScriptedRouter();
        var record = ScriptedRouter.Record(7);
        router.Peers[record.Id] = record;
        await using var host = await RoutingTestHost.StartAsync(router);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"routing/v1/peers/{record.Id.ToCidString()}");
        request.Headers.Accept.ParseAdd(NdJson);

        using var response = await host.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(NdJson, response.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith("\n", body, StringComparison.Ordinal);
        Assert.Equal(record.Id.ToString(), JsonDocument.Parse(Assert.Single(body.Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement.GetProperty("ID").GetString());
    }

    [Fact]
    public async Task Peers_Unknown_IsAnEmptyList()
    {
        await using var host = await RoutingTestHost.StartAsync(new ScriptedRouter());

        using var response = await host.Client.GetAsync($"routing/v1/peers/{ScriptedRouter.Record(9).Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"Peers":[]}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Peers_RouterFails_Is500WithTheReason()
    {
        await using var host = await RoutingTestHost.StartAsync(new ScriptedRouter { PeerFailure = new ObjectDisposedException("DhtNode") });

        using var response = await host.Client.GetAsync($"routing/v1/peers/{ScriptedRouter.Record(9).Id}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.StartsWith("routing lookup failed: ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12D3KooWnotapeer")]
    [InlineData("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy")]
    public async Task Peers_NotAPeerId_Is400(string text)
    {
        await using var host = await RoutingTestHost.StartAsync(new ScriptedRouter());

        using var response = await host.Client.GetAsync($"routing/v1/peers/{text}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith($"unable to parse PeerID \"{text}\": ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_FromAnyOrigin_IsAllowedWithoutCredentials()
    {
        await using var host = await RoutingTestHost.StartAsync(new ScriptedRouter());
        using var request = new HttpRequestMessage(HttpMethod.Options, ProvidersPath);
        request.Headers.Add("Origin", "https://example.com");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "accept");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("GET, PUT, OPTIONS", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Methods")));
        Assert.Contains("Accept", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task UnknownPathOrMethod_Is400Or501()
    {
        await using var host = await RoutingTestHost.StartAsync(new ScriptedRouter());

        using var unknown = await host.Client.GetAsync("routing/v1/nothing/here");
        using var post = await host.Client.PostAsync(ProvidersPath, null);

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotImplemented, post.StatusCode);
        Assert.Equal("*", Assert.Single(post.Headers.GetValues("Access-Control-Allow-Origin")));
    }
}
