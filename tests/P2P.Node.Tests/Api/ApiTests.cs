using System.Formats.Tar;
using System.Net;
using System.Text.Json;
using P2P.Node.Hosting.Api;
using P2P.Node.Tests.Gateway;

namespace P2P.Node.Tests.Api;

/// <summary>The RPC API over real HTTP: content in and out, the Origin and token guards, metrics and the CAR paths.</summary>
public sealed class ApiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private TestDaemon Seed => fixture.Seed;

    private TestDaemon Fetcher => fixture.Fetcher;

    [Fact]
    public async Task AddThenCat_ReturnsTheSameBytes()
    {
        var data = TestDaemon.RandomBytes(600_000, seed: 10);
        var cid = await Seed.AddAsync(data);

        using var cat = await Seed.Api.PostAsync($"api/v0/cat?arg={cid}", null);

        Assert.Equal(HttpStatusCode.OK, cat.StatusCode);
        Assert.Equal(data, await cat.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task CrossOriginPost_IsRefused()
    {
        var data = TestDaemon.RandomBytes(100, seed: 11);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v0/add") { Content = new ByteArrayContent(data) };
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await Seed.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var stat = JsonDocument.Parse(await (await Seed.Api.PostAsync("api/v0/repo/stat", null)).Content.ReadAsStringAsync());
        var before = stat.RootElement.GetProperty("NumObjects").GetInt64();
        using var again = new HttpRequestMessage(HttpMethod.Post, "api/v0/add") { Content = new ByteArrayContent(data) };
        again.Headers.Add("Origin", "http://evil.example");
        using var refused = await Seed.Api.SendAsync(again);
        var after = JsonDocument.Parse(await (await Seed.Api.PostAsync("api/v0/repo/stat", null)).Content.ReadAsStringAsync());
        Assert.Equal(before, after.RootElement.GetProperty("NumObjects").GetInt64());
    }

    [Fact]
    public async Task Metrics_ServeTheNames_AndAFetchMovesTheCounters()
    {
        var before = await MetricsAsync(Fetcher);
        foreach (var name in new[] { "p2p_exchange_bytes_received_total", "p2p_exchange_bytes_sent_total", "p2p_exchange_blocks_fetched_total",
                     "p2p_exchange_blocks_served_total", "p2p_dht_provider_lookup_seconds_bucket", "p2p_peers_connected", "p2p_repo_size_bytes" })
            Assert.Contains(name, before.Keys);

        var data = TestDaemon.RandomBytes(800_000, seed: 12);
        var cid = await Seed.AddAsync(data);
        using var fetched = await Fetcher.Api.PostAsync($"api/v0/cat?arg={cid}", null);
        Assert.Equal(data, await fetched.Content.ReadAsByteArrayAsync());

        var after = await MetricsAsync(Fetcher);
        Assert.True(after["p2p_exchange_blocks_fetched_total"] > before["p2p_exchange_blocks_fetched_total"]);
        Assert.True(after["p2p_exchange_bytes_received_total"] >= before["p2p_exchange_bytes_received_total"] + data.Length);
        Assert.True(after["p2p_peers_connected"] >= 1);
        var bw = JsonDocument.Parse(await (await Fetcher.Api.PostAsync("api/v0/stats/bw", null)).Content.ReadAsStringAsync()).RootElement;
        Assert.True(bw.GetProperty("TotalIn").GetInt64() >= data.Length);
    }

    [Fact]
    public async Task DagExport_ImportsIntoAnotherNodeToTheSameRoot()
    {
        var data = TestDaemon.RandomBytes(700_000, seed: 13);
        var cid = await Seed.AddAsync(data);

        using var export = await Seed.Api.PostAsync($"api/v0/dag/export?arg={cid}", null);
        var car = await export.Content.ReadAsByteArrayAsync();
        await using var other = await TestDaemon.StartAsync();
        using var import = await other.Api.PostAsync("api/v0/dag/import?stats=true", new ByteArrayContent(car));
        var lines = (await import.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        Assert.Equal(cid.ToString(), lines[0].GetProperty("Root").GetProperty("Cid").GetProperty("/").GetString());
        Assert.Equal("", lines[0].GetProperty("Root").GetProperty("PinErrorMsg").GetString());
        using var cat = await other.Api.PostAsync($"api/v0/cat?arg={cid}", null);
        Assert.Equal(data, await cat.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_ReturnsATarOfTheFile()
    {
        var data = TestDaemon.RandomBytes(300_000, seed: 14);
        var cid = await Seed.AddAsync(data);

        using var get = await Seed.Api.PostAsync($"api/v0/get?arg={cid}", null);
        using var tar = new TarReader(await get.Content.ReadAsStreamAsync());
        var entry = await tar.GetNextEntryAsync();

        Assert.NotNull(entry);
        Assert.Equal(cid.ToString(), entry!.Name);
        var copy = new MemoryStream();
        await entry.DataStream!.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task Token_WhenConfigured_IsRequired()
    {
        const string token = "abcdefghijklmnopqrstuvwxyz012345";
        await using var guarded = await TestDaemon.StartAsync(repo => File.WriteAllText(ApiToken.PathIn(repo), token + "\n"));

        using var without = await guarded.Api.PostAsync("api/v0/id", null);
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v0/id");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var with = await guarded.Api.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
    }

    [Fact]
    public async Task Error_BodyHasKubosFieldNames()
    {
        using var response = await Seed.Api.PostAsync("api/v0/cat?arg=notacid", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("notacid", body.RootElement.GetProperty("Message").GetString(), StringComparison.Ordinal);
        Assert.Equal("error", body.RootElement.GetProperty("Type").GetString());
    }

    [Fact]
    public void CheckBind_RefusesANonLoopbackBindWithoutAToken()
    {
        var wildcard = new IPEndPoint(IPAddress.Any, 5001);
        Assert.Throws<ArgumentException>(() => ApiServer.CheckBind(wildcard, null));
        ApiServer.CheckBind(wildcard, "abcdefghijklmnopqrstuvwxyz012345");
        ApiServer.CheckBind(new IPEndPoint(IPAddress.Loopback, 5001), null);
    }

    private static async Task<Dictionary<string, double>> MetricsAsync(TestDaemon daemon)
    {
        using var response = await daemon.Api.GetAsync("debug/metrics/prometheus");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var values = new Dictionary<string, double>();
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var space = line.LastIndexOf(' ');
            var name = line[..space];
            var brace = name.IndexOf('{');
            values[brace < 0 ? name : name[..brace]] = double.Parse(line[(space + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        return values;
    }
}
