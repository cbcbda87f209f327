using System.Net;
using System.Net.Http.Headers;
using P2P.Node.Content.Car;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Gateway;

/// <summary>The gateway over real HTTP, serving content the fetcher daemon takes from the seed daemon through the swarm.</summary>
public sealed class GatewayTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private TestDaemon Seed => fixture.Seed;

    private TestDaemon Fetcher => fixture.Fetcher;

    [Fact]
    public async Task Get_StreamsAFileHeldByAnotherNode()
    {
        var data = TestDaemon.RandomBytes(3 * 1024 * 1024 + 17, seed: 1);
        var cid = await Seed.AddAsync(data);

        using var response = await Fetcher.Gateway.GetAsync($"ipfs/{cid}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(data, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal($"\"{cid}\"", response.Headers.ETag!.Tag);
        Assert.Equal("public, max-age=29030400, immutable", response.Headers.CacheControl!.ToString());
        Assert.Equal(data.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Range_ReturnsExactlyTheBytesAsked()
    {
        var data = TestDaemon.RandomBytes(2 * 1024 * 1024, seed: 2);
        var cid = await Seed.AddAsync(data);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"ipfs/{cid}");
        request.Headers.Range = new RangeHeaderValue(1_000_000, 1_299_999);
        using var response = await Fetcher.Gateway.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(data.AsSpan(1_000_000, 300_000).ToArray(), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 1000000-1299999/{data.Length}", response.Content.Headers.ContentRange!.ToString());

        using var suffix = new HttpRequestMessage(HttpMethod.Get, $"ipfs/{cid}");
        suffix.Headers.Range = new RangeHeaderValue(null, 10);
        using var tail = await Fetcher.Gateway.SendAsync(suffix);
        Assert.Equal(data.AsSpan(data.Length - 10).ToArray(), await tail.Content.ReadAsByteArrayAsync());

        using var beyond = new HttpRequestMessage(HttpMethod.Get, $"ipfs/{cid}");
        beyond.Headers.Range = new RangeHeaderValue(data.Length, null);
        using var refused = await Fetcher.Gateway.SendAsync(beyond);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, refused.StatusCode);
    }

    [Fact]
    public async Task FormatCar_ImportsElsewhereToTheSameRoot()
    {
        var data = TestDaemon.RandomBytes(1024 * 1024 + 5, seed: 3);
        var cid = await Seed.AddAsync(data);

        using var response = await Fetcher.Gateway.GetAsync($"ipfs/{cid}?format=car");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.ipld.car", response.Content.Headers.ContentType!.MediaType);
        var car = await response.Content.ReadAsByteArrayAsync();

        var elsewhere = new MemoryBlockStore();
        var result = await CarImporter.ImportAsync(new MemoryStream(car), elsewhere);
        Assert.Equal([cid], result.Roots);
        var exporter = new UnixFsExporter(new OfflineBlockGetter(elsewhere));
        var copy = new MemoryStream();
        await exporter.WriteFileAsync(cid, copy);
        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task FormatRaw_ReturnsTheSingleBlock()
    {
        var data = TestDaemon.RandomBytes(1000, seed: 4);
        var cid = await Seed.AddAsync(data);

        using var response = await Fetcher.Gateway.GetAsync($"ipfs/{cid}?format=raw");

        Assert.Equal("application/vnd.ipld.raw", response.Content.Headers.ContentType!.MediaType);
        var block = await response.Content.ReadAsByteArrayAsync();
        Assert.True(cid.Multihash.Matches(block));
    }

    [Fact]
    public async Task Head_GivesLengthWithoutBody_AndIfNoneMatchGives304()
    {
        var data = TestDaemon.RandomBytes(70_000, seed: 5);
        var cid = await Seed.AddAsync(data);

        using var head = await Fetcher.Gateway.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"ipfs/{cid}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(data.Length, head.Content.Headers.ContentLength);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"ipfs/{cid}");
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{cid}\""));
        using var notModified = await Fetcher.Gateway.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Directory_ListsEscapedNames_ServesIndexAndTypesByName()
    {
        using var tree = new Hosting.TempFolder();
        var site = Path.Join(tree.Path, "site");
        var plain = Path.Join(tree.Path, "plain");
        Directory.CreateDirectory(site);
        Directory.CreateDirectory(plain);
        await File.WriteAllTextAsync(Path.Join(site, "index.html"), "<p>home</p>");
        await File.WriteAllTextAsync(Path.Join(plain, "<script>alert(1)<\\script>&\"q.txt"), "x");
        await File.WriteAllBytesAsync(Path.Join(plain, "image"), [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]);
        await File.WriteAllTextAsync(Path.Join(plain, "notes.css"), "p{}");
        var siteCid = (await Seed.Node.Local.AddAsync(ImportInput.FromPath(site), new ImportOptions(), true, null, CancellationToken.None))[^1].Cid;
        var plainCid = (await Seed.Node.Local.AddAsync(ImportInput.FromPath(plain), new ImportOptions(), true, null, CancellationToken.None))[^1].Cid;

        using var redirect = await Fetcher.Gateway.GetAsync($"ipfs/{plainCid}");
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal($"/ipfs/{plainCid}/", redirect.Headers.Location!.ToString());

        var listing = await Fetcher.Gateway.GetStringAsync($"ipfs/{plainCid}/");
        Assert.Contains("&lt;script&gt;alert(1)&lt;\\script&gt;&amp;&quot;q.txt", listing, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", listing, StringComparison.Ordinal);

        Assert.Equal("<p>home</p>", await Fetcher.Gateway.GetStringAsync($"ipfs/{siteCid}/"));
        using var png = await Fetcher.Gateway.GetAsync($"ipfs/{plainCid}/image");
        Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
        using var css = await Fetcher.Gateway.GetAsync($"ipfs/{plainCid}/notes.css");
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);
        using var missing = await Fetcher.Gateway.GetAsync($"ipfs/{plainCid}/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task BadOrUnknownCid_Gives400Or404()
    {
        using var malformed = await Fetcher.Gateway.GetAsync("ipfs/not-a-cid");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        var nobodyHasIt = Cid.V1(Multicodec.Raw, Multihash.Sha256("held by no node"u8));
        using var unknown = await Fetcher.Gateway.GetAsync($"ipfs/{nobodyHasIt}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
