using P2P.Node.Storage;

namespace P2P.Node.Tests.Storage;

public class RepoConfigTests
{
    private const string PeerId = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";

    [Fact]
    public void Defaults_AreValid()
    {
        var config = new RepoConfig();

        Assert.Empty(config.Validate());
        Assert.Equal("/ip4/127.0.0.1/udp/4001", config.Listen);
        Assert.Equal("127.0.0.1:5001", config.Api);
        Assert.Equal("127.0.0.1:8080", config.Gateway);
        Assert.Equal(SyncPolicy.Batch, config.SyncPolicy);
        Assert.Equal(TimeSpan.FromHours(22), config.ReprovideInterval);
        Assert.Equal(0, config.Limits.UploadRateBytesPerSecond);
    }

    [Fact]
    public void SaveLoad_RoundTrips()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("config.json");
        var config = new RepoConfig
        {
            Listen = "/ip6/::1/udp/4002",
            Bootstrap = [$"/ip4/127.0.0.1/udp/4001/p2p/{PeerId}"],
            SyncPolicy = SyncPolicy.Always,
            Limits = new RepoLimits { MaxPeers = 10, MaxInFlightRequestsPerPeer = 8, UploadRateBytesPerSecond = 10_000_000 },
            ReprovideInterval = TimeSpan.FromHours(12),
            LogLevel = "debug",
        };

        config.Save(path);
        var loaded = RepoConfig.Load(path);

        Assert.Equal(config.ToJson(), loaded.ToJson());
        Assert.Contains("\"syncPolicy\": \"always\"", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_UnknownFieldsIgnoredMissingFieldsDefaulted()
    {
        var config = RepoConfig.FromJson("{ \"futureThing\": [1,2], \"api\": \"127.0.0.1:6001\" }", "config.json");

        Assert.Equal("127.0.0.1:6001", config.Api);
        Assert.Equal(RepoConfig.DefaultListen, config.Listen);
    }

    [Theory]
    [InlineData("{ \"listen\": ")]
    [InlineData("[1, 2]")]
    [InlineData("{ \"syncPolicy\": \"sometimes\" }")]
    [InlineData("null")]
    public void FromJson_Malformed_OneLineErrorNamingFile(string json)
    {
        var error = Assert.Throws<RepoException>(() => RepoConfig.FromJson(json, "/r/config.json"));

        Assert.Equal(RepoErrorReason.InvalidConfig, error.Reason);
        Assert.StartsWith("/r/config.json", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("{ \"listen\": \"/ip4/127.0.0.1/tcp/4001\" }", "listen")]
    [InlineData("{ \"listen\": \"/ip4/300.0.0.1/udp/4001\" }", "listen")]
    [InlineData("{ \"listen\": \"/ip4/127.0.0.1/udp/99999\" }", "listen")]
    [InlineData("{ \"bootstrap\": [\"/ip4/127.0.0.1/udp/4001\"] }", "bootstrap")]
    [InlineData("{ \"bootstrap\": [\"/ip4/127.0.0.1/udp/4001/p2p/notapeer\"] }", "bootstrap")]
    [InlineData("{ \"api\": \"localhost\" }", "api")]
    [InlineData("{ \"gateway\": \"127.0.0.1\" }", "gateway")]
    [InlineData("{ \"limits\": { \"maxPeers\": 0 } }", "limits.maxPeers")]
    [InlineData("{ \"limits\": { \"uploadRateBytesPerSecond\": -1 } }", "limits.uploadRateBytesPerSecond")]
    [InlineData("{ \"reprovideInterval\": \"00:00:01\" }", "reprovideInterval")]
    [InlineData("{ \"logLevel\": \"loud\" }", "logLevel")]
    public void FromJson_InvalidValue_ErrorNamesField(string json, string field)
    {
        var error = Assert.Throws<RepoException>(() => RepoConfig.FromJson(json, "config.json"));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BootstrapWithPeerId_Accepted()
    {
        var config = new RepoConfig { Bootstrap = [$"/ip4/127.0.0.1/udp/4001/p2p/{PeerId}"] };

        Assert.Empty(config.Validate());
    }

    [Fact]
    public void Save_Invalid_Refused()
    {
        using var dir = new TempDirectory();
        var config = new RepoConfig { Api = "nope" };

        Assert.Throws<RepoException>(() => config.Save(dir.Join("config.json")));
        Assert.False(File.Exists(dir.Join("config.json")));
    }

    [Fact]
    public void Load_OversizedFile_RefusedWithoutReading()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("config.json");
        using (var f = new FileStream(path, FileMode.CreateNew))
            f.SetLength(RepoConfig.MaxFileBytes + 1L);

        var error = Assert.Throws<RepoException>(() => RepoConfig.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Missing_ErrorNamesFile()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("config.json");

        var error = Assert.Throws<RepoException>(() => RepoConfig.Load(path));

        Assert.Equal(RepoErrorReason.InvalidConfig, error.Reason);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
