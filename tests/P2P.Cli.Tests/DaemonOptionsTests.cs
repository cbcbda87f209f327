using System.Net;

namespace P2P.Cli.Tests;

/// <summary>`p2p daemon --gateway` and port 0 in the config: OS-chosen ports written where the CLI finds them.</summary>
public sealed class DaemonOptionsTests : ProcessTestBase
{
    public DaemonOptionsTests()
        : base(TimeSpan.FromSeconds(90))
    {
    }

    private async Task<string> InitAsync()
    {
        var repo = Dir.Combine("repo");
        var r = await CliRunner.RunAsync(repo, "init");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return repo;
    }

    /// <summary>http://host:port/ from a /ip4/A/tcp/P multiaddr file.</summary>
    private static Uri HttpFrom(string multiaddrFile)
    {
        var parts = File.ReadAllText(multiaddrFile).Trim().Split('/');
        Assert.Equal("tcp", parts[3]);
        var port = int.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(0, port);
        return new Uri($"http://{parts[2]}:{port}/");
    }

    [Fact]
    public async Task Daemon_GatewayOptionWithPortZero_WritesTheBoundPortAndServes()
    {
        var repo = await InitAsync();
        var file = Dir.Combine("hello.txt");
        File.WriteAllText(file, "hello gateway");
        await using var daemon = await DaemonProcess.StartAsync(repo, ["--gateway", "127.0.0.1:0"], Ct);
        var gatewayFile = Path.Combine(repo, "gateway");
        var gateway = HttpFrom(gatewayFile);
        Assert.Contains($"Gateway server listening on {File.ReadAllText(gatewayFile).Trim()}", daemon.Output, StringComparison.Ordinal);
        var cid = (await CliRunner.RunAsync(repo, "add", "-Q", file)).Stdout.Trim();

        using var http = new HttpClient { BaseAddress = gateway };
        var body = await http.GetStringAsync($"ipfs/{cid}", Ct);

        Assert.Equal("hello gateway", body);
        Assert.Equal(0, await daemon.StopAsync(Ct));
        Assert.False(File.Exists(gatewayFile));
    }

    [Fact]
    public async Task Config_PortZeroForApiAndGateway_IsValid()
    {
        var repo = await InitAsync();
        var path = Path.Combine(repo, "config.json");
        var config = File.ReadAllText(path);
        config = System.Text.RegularExpressions.Regex.Replace(config, "\"api\": \"[^\"]*\"", "\"api\": \"127.0.0.1:0\"");
        config = System.Text.RegularExpressions.Regex.Replace(config, "\"gateway\": \"[^\"]*\"", "\"gateway\": \"127.0.0.1:0\"");
        File.WriteAllText(path, config);

        var stat = await CliRunner.RunAsync(repo, "repo", "stat");
        Assert.True(stat.ExitCode == 0, stat.Stderr);
        // No --gateway: the config's port 0 is used and the real port is written to the gateway file.
        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        var gateway = HttpFrom(Path.Combine(repo, "gateway"));
        using var http = new HttpClient { BaseAddress = gateway };
        using var response = await http.GetAsync("ipfs/not-a-cid", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await daemon.StopAsync(Ct));
    }

    [Fact]
    public async Task Daemon_MalformedGatewayOption_IsAUsageError()
    {
        var repo = await InitAsync();

        var r = await CliRunner.RunAsync(repo, "daemon", "--gateway", "localhost");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--gateway", r.Stderr, StringComparison.Ordinal);
    }
}
