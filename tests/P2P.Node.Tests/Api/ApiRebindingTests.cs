using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using P2P.Node.Tests.Gateway;

namespace P2P.Node.Tests.Api;

/// <summary>
/// DNS rebinding and browser calls against a real daemon: a page under another name (forged Host, matching Origin)
/// is refused with kubo's JSON error and changes nothing; programs without Origin keep working; a browser's call
/// needs the dashboard's token, which the page served on a loopback Host carries.
/// </summary>
public sealed partial class ApiRebindingTests : IAsyncLifetime
{
    private TestDaemon _daemon = null!;

    private int Port => _daemon.Node.Api!.EndPoint.Port;

    public async Task InitializeAsync() => _daemon = await TestDaemon.StartAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task Add_ForgedHostAndMatchingOrigin_IsRefusedAndStoresNothing()
    {
        var before = await NumObjectsAsync();

        using var response = await SendAsync(Rebound(HttpMethod.Post, "api/v0/add", new ByteArrayContent(TestDaemon.RandomBytes(5000, seed: 41))));

        await AssertRefusedAsync(response, "Host");
        Assert.Equal(before, await NumObjectsAsync());
    }

    [Fact]
    public async Task PinRm_ForgedHostAndMatchingOrigin_IsRefusedAndThePinStays()
    {
        var cid = await _daemon.AddAsync(TestDaemon.RandomBytes(5000, seed: 42));

        using var response = await SendAsync(Rebound(HttpMethod.Post, $"api/v0/pin/rm?arg={cid}"));

        await AssertRefusedAsync(response, "Host");
        Assert.Contains(cid.ToString(), await PinsAsync());
    }

    [Fact]
    public async Task RepoGc_ForgedHostAndMatchingOrigin_IsRefusedAndUnpinnedBlocksStay()
    {
        using var content = new ByteArrayContent(TestDaemon.RandomBytes(5000, seed: 43));
        using var added = await _daemon.Api.PostAsync("api/v0/add?pin=false", content);
        added.EnsureSuccessStatusCode();
        var cid = JsonDocument.Parse(await added.Content.ReadAsStringAsync()).RootElement.GetProperty("Hash").GetString();

        using var response = await SendAsync(Rebound(HttpMethod.Post, "api/v0/repo/gc"));

        await AssertRefusedAsync(response, "Host");
        using var stat = await _daemon.Api.PostAsync($"api/v0/block/stat?arg={cid}", null);
        Assert.Equal(HttpStatusCode.OK, stat.StatusCode);
    }

    [Fact]
    public async Task WebUi_ForeignHost_IsRefused()
    {
        foreach (var path in new[] { "webui", "webui/app.js", "debug/metrics/prometheus" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = $"evil.example:{Port}";
            using var response = await SendAsync(request);
            await AssertRefusedAsync(response, "Host");
        }
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("LocalHost")]
    public async Task PlainLoopbackClient_NoOrigin_ChangesTheRepo(string name)
    {
        using var add = new HttpRequestMessage(HttpMethod.Post, "api/v0/add") { Content = new ByteArrayContent(TestDaemon.RandomBytes(3000, seed: 44)) };
        add.Headers.Host = $"{name}:{Port}";
        using var added = await SendAsync(add);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var cid = JsonDocument.Parse(await added.Content.ReadAsStringAsync()).RootElement.GetProperty("Hash").GetString();

        using var rm = new HttpRequestMessage(HttpMethod.Post, $"api/v0/pin/rm?arg={cid}");
        rm.Headers.Host = $"{name}:{Port}";
        using var removed = await SendAsync(rm);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.DoesNotContain(cid!, await PinsAsync());
    }

    [Fact]
    public async Task BrowserCall_OwnOriginWithoutToken_IsRefused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v0/repo/gc");
        request.Headers.Add("Origin", $"http://127.0.0.1:{Port}");
        request.Headers.Add("Sec-Fetch-Site", "same-origin");

        using var response = await SendAsync(request);

        await AssertRefusedAsync(response, "token");
    }

    [Fact]
    public async Task BrowserCall_NoOriginButSecFetchSite_IsRefused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "webui/config");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var response = await SendAsync(request);

        await AssertRefusedAsync(response, "token");
    }

    [Fact]
    public async Task BrowserCall_WithTheTokenFromThePage_Works()
    {
        using var page = await _daemon.Api.GetAsync("webui");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        var token = TokenMeta().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token);

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v0/add") { Content = new ByteArrayContent(TestDaemon.RandomBytes(2000, seed: 45)) };
        request.Headers.Add("Origin", $"http://127.0.0.1:{Port}");
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ForgedHost_WithTheDashboardToken_IsStillRefused()
    {
        using var page = await _daemon.Api.GetAsync("webui");
        var token = TokenMeta().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        using var request = Rebound(HttpMethod.Post, "api/v0/repo/gc");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await SendAsync(request);

        await AssertRefusedAsync(response, "Host");
    }

    [Fact]
    public async Task ConfiguredHost_IsServed_OthersAreNot()
    {
        await using var proxied = await TestDaemon.StartAsync(repo =>
        {
            // As a user writes it; an older p2p ignores the field, which is how this test fails there.
            var path = Path.Join(repo, "config.json");
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            json["apiAllowedHosts"] = new System.Text.Json.Nodes.JsonArray("p2p.internal");
            File.WriteAllText(path, json.ToJsonString());
        });
        var port = proxied.Node.Api!.EndPoint.Port;

        using var named = new HttpRequestMessage(HttpMethod.Post, "api/v0/id");
        named.Headers.Host = "p2p.internal";
        using var served = await proxied.Api.SendAsync(named);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);

        using var other = new HttpRequestMessage(HttpMethod.Post, "api/v0/id");
        other.Headers.Host = $"p2p.internal.evil.example:{port}";
        using var refused = await proxied.Api.SendAsync(other);
        await AssertRefusedAsync(refused, "Host");
    }

    [GeneratedRegex("<meta name=\"p2p-api-token\" content=\"([^\"]*)\">")]
    private static partial Regex TokenMeta();

    /// <summary>What a rebinding page sends: its own name as Host, and itself as Origin.</summary>
    private HttpRequestMessage Rebound(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Host = $"evil.example:{Port}";
        request.Headers.Add("Origin", $"http://evil.example:{Port}");
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        using (request)
            return await _daemon.Api.SendAsync(request);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string mentions)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("error", body.RootElement.GetProperty("Type").GetString());
        Assert.Equal(0, body.RootElement.GetProperty("Code").GetInt32());
        Assert.Contains(mentions, body.RootElement.GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    private async Task<long> NumObjectsAsync()
    {
        using var stat = await _daemon.Api.PostAsync("api/v0/repo/stat", null);
        return JsonDocument.Parse(await stat.Content.ReadAsStringAsync()).RootElement.GetProperty("NumObjects").GetInt64();
    }

    private async Task<string> PinsAsync()
    {
        using var pins = await _daemon.Api.PostAsync("api/v0/pin/ls", null);
        return await pins.Content.ReadAsStringAsync();
    }
}
