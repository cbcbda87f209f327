using System.Net;

namespace P2P.Cli.Tests;

/// <summary>
/// `p2p name publish|resolve` as kubo's: offline only with --allow-offline, the same lines with a daemon, and across
/// real daemons a name published on one node resolves on another and serves through that node's gateway.
/// </summary>
public sealed class NameCliTests
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task Publish_Offline_NeedsAllowOffline_ThenResolvesTheSameWithADaemon()
    {
        await using var swarm = new SwarmFixture(TimeSpan.FromMinutes(2));
        var repo = await swarm.InitAsync("solo");
        var (file, _) = swarm.WriteFile("a.bin", 1, 7);
        var cid = await SwarmFixture.RunOkAsync(repo, "add", "-Q", file);

        var refused = await CliRunner.RunAsync(repo, "name", "publish", cid);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--allow-offline", refused.Stderr, StringComparison.Ordinal);
        var badPath = await CliRunner.RunAsync(repo, "name", "publish", "--allow-offline", "/ipfs/nonsense");
        Assert.Equal(2, badPath.ExitCode);

        var published = await SwarmFixture.RunOkAsync(repo, "name", "publish", "--allow-offline", cid);
        Assert.Matches($"^Published to k51[a-z0-9]+: /ipfs/{cid}$", published);
        var name = published["Published to ".Length..published.IndexOf(':', StringComparison.Ordinal)];
        var offline = await SwarmFixture.RunOkAsync(repo, "name", "resolve", name);
        Assert.Equal($"/ipfs/{cid}", offline);
        Assert.Equal(offline, await SwarmFixture.RunOkAsync(repo, "name", "resolve"));

        await swarm.StartAsync(repo);
        Assert.Equal(offline, await SwarmFixture.RunOkAsync(repo, "name", "resolve", name));
        Assert.Equal(offline, await SwarmFixture.RunOkAsync(repo, "name", "resolve"));
        var again = await SwarmFixture.RunOkAsync(repo, "name", "publish", $"/ipfs/{cid}");
        Assert.Equal(published, again);
        var missing = await CliRunner.RunAsync(repo, "name", "publish", "--key", "nosuchkey", cid);
        Assert.Equal(4, missing.ExitCode);

        // A path of the files API goes out as the /ipfs/ path of what it holds now.
        await SwarmFixture.RunOkAsync(repo, "files", "mkdir", "/site");
        await SwarmFixture.RunOkAsync(repo, "files", "write", "--create", "/site/index.html", file);
        var site = await SwarmFixture.RunOkAsync(repo, "files", "stat", "--hash", "/site");
        Assert.Equal($"Published to {name}: /ipfs/{site}", await SwarmFixture.RunOkAsync(repo, "name", "publish", "/site"));
        Assert.Equal($"/ipfs/{site}", await SwarmFixture.RunOkAsync(repo, "name", "resolve", "--nocache", name));
        var absent = await CliRunner.RunAsync(repo, "name", "publish", "/no-such-folder");
        Assert.Equal(4, absent.ExitCode);
    }

    [Fact]
    public async Task Publish_OnOneDaemon_ResolvesOnAnother_AndItsGatewayServesTheName()
    {
        await using var swarm = new SwarmFixture(TimeSpan.FromMinutes(3));
        var seed = await swarm.InitAsync("seed");
        await swarm.StartAsync(seed);
        var a = await swarm.InitAsync("a");
        await swarm.StartAsync(a);
        var b = await swarm.InitAsync("b");
        await swarm.StartAsync(b);
        var (file, sha) = swarm.WriteFile("site.bin", 1, 11);
        var cid = await SwarmFixture.RunOkAsync(a, "add", "-Q", file);
        await swarm.WaitForProvidersAsync(b, cid, 1);

        var published = await SwarmFixture.RunOkAsync(a, "name", "publish", "--ttl", "1s", cid);
        var name = published["Published to ".Length..published.IndexOf(':', StringComparison.Ordinal)];
        Assert.Equal($"/ipfs/{cid}", await SwarmFixture.RunOkAsync(b, "name", "resolve", name));

        var gateway = File.ReadAllText(Path.Combine(b, "gateway")).Trim().Split('/')[4];
        using var page = await Http.GetAsync(new Uri($"http://127.0.0.1:{gateway}/ipns/{name}"), swarm.Ct);
        var body = await page.Content.ReadAsByteArrayAsync(swarm.Ct);
        Assert.Equal(sha, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body)));
        // A name's answer may change: cached for the record's TTL (1 s here), never "immutable" as /ipfs/ answers are.
        Assert.Equal("public, max-age=1", page.Headers.CacheControl?.ToString());
        Assert.Equal($"/ipns/{name}", page.Headers.GetValues("X-Ipfs-Path").Single());
        using var recordRequest = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{gateway}/ipns/{name}?format=ipns-record"));
        using var record = await Http.SendAsync(recordRequest, swarm.Ct);
        Assert.Equal(HttpStatusCode.OK, record.StatusCode);
        Assert.Equal("application/vnd.ipfs.ipns-record", record.Content.Headers.ContentType?.MediaType);

        // An update: the next resolve that skips the cache sees it.
        var (file2, _) = swarm.WriteFile("site2.bin", 1, 12);
        var cid2 = await SwarmFixture.RunOkAsync(a, "add", "-Q", file2);
        await SwarmFixture.RunOkAsync(a, "name", "publish", "--ttl", "1s", cid2);
        Assert.Equal($"/ipfs/{cid2}", await SwarmFixture.RunOkAsync(b, "name", "resolve", "--nocache", name));

        using var unknown = await Http.GetAsync(new Uri($"http://127.0.0.1:{gateway}/ipns/not-a-name"), swarm.Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        // Delegated routing's IPNS API: a record signed in a repo that never went online is PUT through b's gateway,
        // then any node's GET answers it; a record that does not verify is refused.
        var offline = await swarm.InitAsync("offline");
        var signed = await SwarmFixture.RunOkAsync(offline, "name", "publish", "--allow-offline", cid);
        var offlineName = signed["Published to ".Length..signed.IndexOf(':', StringComparison.Ordinal)];
        var recordBytes = Directory.GetFiles(Path.Combine(offline, "ipns")).Select(File.ReadAllBytes).Single();
        using (var put = new ByteArrayContent(recordBytes))
        {
            put.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.ipfs.ipns-record");
            using var stored = await Http.PutAsync(new Uri($"http://127.0.0.1:{gateway}/routing/v1/ipns/{offlineName}"), put, swarm.Ct);
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }
        var gatewayA = File.ReadAllText(Path.Combine(a, "gateway")).Trim().Split('/')[4];
        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{gatewayA}/routing/v1/ipns/{offlineName}"));
        get.Headers.Accept.ParseAdd("application/vnd.ipfs.ipns-record");
        using var fetched = await Http.SendAsync(get, swarm.Ct);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(recordBytes, await fetched.Content.ReadAsByteArrayAsync(swarm.Ct));
        Assert.Equal($"/ipfs/{cid}", await SwarmFixture.RunOkAsync(a, "name", "resolve", offlineName));
        var forged = (byte[])recordBytes.Clone();
        forged[^1] ^= 0xff;
        using (var bad = new ByteArrayContent(forged))
        {
            using var refused = await Http.PutAsync(new Uri($"http://127.0.0.1:{gateway}/routing/v1/ipns/{offlineName}"), bad, swarm.Ct);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
    }
}
