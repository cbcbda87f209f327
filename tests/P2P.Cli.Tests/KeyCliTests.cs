namespace P2P.Cli.Tests;

/// <summary>
/// `p2p key …` offline and through a daemon print the same lines, errors and exit codes (issue 16, item 1). One
/// Ed25519 key, seed 01..20, is imported in both repos so every id is known: k51qzi5uqu5dj7sk… is the name the
/// reference JavaScript ipns library prints for it. Each repo's own `self` id differs and is masked before comparing.
/// </summary>
public sealed class KeyCliTests : ProcessTestBase
{
    private const string SeedName = "k51qzi5uqu5dj7skeind43o1an76ns1q5g2bupqw6o1hmcccenbkvalzo2olt0";

    public KeyCliTests()
        : base(TimeSpan.FromMinutes(4))
    {
    }

    [Fact]
    public async Task KeyCommands_Offline_AndThroughADaemon_PrintTheSame()
    {
        var seed = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        using var key = P2P.Node.Security.NodeIdentity.FromPrivateKey(seed);
        var keyFile = Dir.Combine("seed.key");
        await File.WriteAllBytesAsync(keyFile, P2P.Node.Naming.Libp2pKey.EncodePrivateKey(key), Ct);
        var pemFile = Dir.Combine("seed.pem");
        await File.WriteAllBytesAsync(pemFile, P2P.Node.Naming.KeyFormats.Export(key, "pem-pkcs8-cleartext"), Ct);

        async Task<CliResult[]> Scenario(string repo, string tag) =>
        [
            await CliRunner.RunAsync(repo, "key", "import", "site", keyFile),
            await CliRunner.RunAsync(repo, "key", "gen", "site"),
            await CliRunner.RunAsync(repo, "key", "gen", "--type", "rsa", "r"),
            await CliRunner.RunAsync(repo, "key", "ls", "-l"),
            await CliRunner.RunAsync(repo, "key", "ls", "--enc", "json"),
            await CliRunner.RunAsync(repo, "key", "rename", "site", "www"),
            await CliRunner.RunAsync(repo, "key", "rename", "www", "self"),
            await CliRunner.RunAsync(repo, "key", "export", "www", "-o", Dir.Combine($"{tag}.key")),
            await CliRunner.RunAsync(repo, "key", "import", "pem", pemFile),
            await CliRunner.RunAsync(repo, "key", "import", "-f", "pem-pkcs8-cleartext", "pem", pemFile),
            await CliRunner.RunAsync(repo, "key", "rm", "www", "pem"),
            await CliRunner.RunAsync(repo, "key", "rm", "www"),
            await CliRunner.RunAsync(repo, "key", "rm", "self"),
            await CliRunner.RunAsync(repo, "key", "list", "--ipns-base", "b58mh"),
        ];

        var offlineRepo = await InitAsync("offline");
        var offline = await Scenario(offlineRepo, "offline");
        var daemonRepo = await InitAsync("daemon");
        CliResult[] online;
        await using (var daemon = await DaemonProcess.StartAsync(daemonRepo, Ct))
        {
            online = await Scenario(daemonRepo, "daemon");
            Assert.Equal(0, await daemon.StopAsync(Ct));
        }

        var offlineSelf = (await CliRunner.RunAsync(offlineRepo, "key", "ls", "-l")).StdoutLines[0].Split(' ')[0];
        var daemonSelf = (await CliRunner.RunAsync(daemonRepo, "key", "ls", "-l")).StdoutLines[0].Split(' ')[0];
        for (var i = 0; i < offline.Length; i++)
        {
            Assert.True(offline[i].ExitCode == online[i].ExitCode, $"command {i}: {offline[i].Stderr} / {online[i].Stderr}");
            Assert.Equal(offline[i].Stdout.Replace(offlineSelf, "SELF", StringComparison.Ordinal), online[i].Stdout.Replace(daemonSelf, "SELF", StringComparison.Ordinal));
            Assert.Equal(offline[i].Stderr, online[i].Stderr);
        }

        Assert.Equal([0, 1, 2, 0, 0, 0, 2, 0, 2, 0, 0, 4, 2, 0], offline.Select(r => r.ExitCode).ToArray());
        Assert.Equal(SeedName + "\n", offline[0].Stdout);
        Assert.Equal("Error: key with name 'site' already exists\n", offline[1].Stderr);
        Assert.Equal("Error: unsupported key type 'rsa': only ed25519 keys are supported\n", offline[2].Stderr);
        Assert.Equal($"{offlineSelf} self \n{SeedName} site \n", offline[3].Stdout);
        Assert.Equal($"{{\"Keys\":[{{\"Name\":\"self\",\"Id\":\"{offlineSelf}\"}},{{\"Name\":\"site\",\"Id\":\"{SeedName}\"}}]}}\n", offline[4].Stdout);
        Assert.Equal($"Key {SeedName} renamed to www\n", offline[5].Stdout);
        Assert.Equal("Error: cannot overwrite key with name 'self'\n", offline[6].Stderr);
        // Export reads the keystore itself, beside the daemon too: the bytes imported come back.
        Assert.Equal(await File.ReadAllBytesAsync(keyFile, Ct), await File.ReadAllBytesAsync(Dir.Combine("offline.key"), Ct));
        Assert.Equal(await File.ReadAllBytesAsync(keyFile, Ct), await File.ReadAllBytesAsync(Dir.Combine("daemon.key"), Ct));
        Assert.Contains("try again with format=pem-pkcs8-cleartext", offline[8].Stderr, StringComparison.Ordinal);
        Assert.Equal(SeedName + "\n", offline[9].Stdout);
        Assert.Equal("www\npem\n", offline[10].Stdout);
        Assert.Equal("Error: no key named www was found\n", offline[11].Stderr);
        Assert.Equal("Error: cannot remove key with name 'self'\n", offline[12].Stderr);
        Assert.Equal("self\n", offline[13].Stdout);
    }

    [Fact]
    public async Task KeyGen_PrintsANewK51Name_ThatListShows()
    {
        var repo = await InitAsync("repo");
        var gen = await CliRunner.RunAsync(repo, "key", "gen", "mykey");
        Assert.True(gen.ExitCode == 0, gen.Stderr);
        var id = gen.Stdout.Trim();
        Assert.Matches("^k51[0-9a-z]{59}$", id);
        var list = await CliRunner.RunAsync(repo, "key", "ls", "-l", "--enc", "json");
        Assert.Contains($"{{\"Name\":\"mykey\",\"Id\":\"{id}\"}}", list.Stdout, StringComparison.Ordinal);
        var slash = await CliRunner.RunAsync(repo, "key", "gen", "a/b");
        Assert.Equal(2, slash.ExitCode);
        Assert.Equal("Error: key names may not contain slashes\n", slash.Stderr);
    }

    private async Task<string> InitAsync(string name)
    {
        var repo = Dir.Combine(name);
        var init = await CliRunner.RunAsync(repo, "init");
        Assert.True(init.ExitCode == 0, init.Stderr);
        return repo;
    }
}
