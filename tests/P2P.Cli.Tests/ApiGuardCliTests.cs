using System.Net;

namespace P2P.Cli.Tests;

/// <summary>
/// The CLI keeps driving a daemon once the API checks Host and browser markers: it sends neither Origin nor
/// Sec-Fetch-Site, and its Host is the loopback address from the repo's api file.
/// </summary>
public sealed class ApiGuardCliTests : ProcessTestBase
{
    public ApiGuardCliTests()
        : base(TimeSpan.FromSeconds(90))
    {
    }

    [Fact]
    public async Task Cli_AddPinRmAndGcThroughTheDaemon_Work_WhileAForgedHostIsRefused()
    {
        var repo = Dir.Combine("a");
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "init")).ExitCode);
        var file = Dir.Combine("data.txt");
        File.WriteAllText(file, "the CLI still drives the daemon");
        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        var port = File.ReadAllText(Path.Combine(repo, "api")).Trim().Split('/')[^1];

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using var forged = new HttpRequestMessage(HttpMethod.Post, "api/v0/repo/gc");
        forged.Headers.Host = $"evil.example:{port}";
        forged.Headers.Add("Origin", $"http://evil.example:{port}");
        using var refused = await http.SendAsync(forged, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var add = await CliRunner.RunAsync(repo, "add", "-Q", file);
        Assert.True(add.ExitCode == 0, add.Stderr);
        var cid = add.Stdout.Trim();
        var rm = await CliRunner.RunAsync(repo, "pin", "rm", cid);
        Assert.True(rm.ExitCode == 0, rm.Stderr);
        var gc = await CliRunner.RunAsync(repo, "repo", "gc");
        Assert.True(gc.ExitCode == 0, gc.Stderr);
        var pins = await CliRunner.RunAsync(repo, "pin", "ls");
        Assert.True(pins.ExitCode == 0, pins.Stderr);
        Assert.DoesNotContain(cid, pins.Stdout, StringComparison.Ordinal);
    }
}
