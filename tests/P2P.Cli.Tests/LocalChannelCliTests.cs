using System.Diagnostics;
using System.IO.Pipes;
using System.Net.Sockets;
using P2P.Node.Hosting.Local;

namespace P2P.Cli.Tests;

/// <summary>
/// The daemon's local channel end to end with real processes: cat, get and add through it give the bytes and lines
/// an offline run gives (and HTTP, forced with P2P_NO_LOCAL_CHANNEL=1); writes to a descriptor the user gave share its
/// offset (`(cat A; cat B) &gt; f`, `&gt;&gt;`); a CLI killed mid-cat stops the daemon's writing and the daemon lets go
/// of the descriptor; bad frames and too many descriptors are refused and the daemon serves on.
/// </summary>
public sealed class LocalChannelCliTests : ProcessTestBase
{
    private static readonly string DllPath = Path.Combine(AppContext.BaseDirectory, "p2p.dll");

    public LocalChannelCliTests()
        : base(TimeSpan.FromSeconds(240))
    {
    }

    [Fact]
    public async Task CatGetAdd_ThroughTheChannel_GiveWhatOfflineAndHttpGive()
    {
        var (repo, a, b) = await RepoWithTwoFilesAsync();
        var stdin = Bytes(300_000, 3);
        var offline = await RunAllAsync(repo, a, b, stdin, "offline", http: false);
        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        var socket = Path.Combine(repo, LocalChannel.FileName);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
        var local = await RunAllAsync(repo, a, b, stdin, "local", http: false);
        var http = await RunAllAsync(repo, a, b, stdin, "http", http: true);
        for (var i = 0; i < offline.Count; i++)
        {
            Assert.Equal(offline[i], local[i]);
            Assert.Equal(offline[i], http[i]);
        }
        await daemon.StopAsync(Ct);
        Assert.False(File.Exists(socket), "the socket is removed on a clean stop");
    }

    [Fact]
    public async Task TwoCatsIntoOneRedirect_WriteOneAfterTheOther_AndAppendAppends_OfflineAndWithADaemon()
    {
        var (repo, a, b) = await RepoWithTwoFilesAsync();
        var expected = Concat(Bytes(3_000_000, 1), Bytes(1_000_000, 2));
        await AssertSharedOffsetAsync(repo, a, b, expected, "offline");
        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        await AssertSharedOffsetAsync(repo, a, b, expected, "with a daemon");
    }

    [Fact]
    public async Task CatKilledMidway_StopsTheDaemonsWritesAndClosesThePassedDescriptor()
    {
        var repo = Dir.Combine("repo");
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "init")).ExitCode);
        const int size = 32 << 20;
        var file = Dir.Combine("big.bin");
        await File.WriteAllBytesAsync(file, Bytes(size, 9), Ct);
        var cid = (await CliRunner.RunAsync(repo, "add", "-Q", file)).Stdout.Trim();
        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);

        using var cat = CliRunner.Start(repo, "cat", cid);
        var output = cat.StandardOutput.BaseStream;
        // One byte read proves the write began; then nothing is read, so the daemon blocks on a full pipe.
        Assert.Equal(1, await output.ReadAsync(new byte[1], Ct));
        var pipe = new FileInfo($"/proc/{cat.Id}/fd/1").LinkTarget!;
        Assert.StartsWith("pipe:", pipe, StringComparison.Ordinal);
        Assert.True(DaemonHolds(daemon.Pid, pipe), "the daemon writes through the CLI's own stdout");

        cat.Kill();
        await cat.WaitForExitAsync(Ct);
        // Only the daemon can still hold the write end: end of stream is the daemon closing it.
        var rest = await CountToEndAsync(output);
        Assert.True(rest < size / 2, $"the daemon wrote {rest} more bytes of {size} after the CLI was killed");
        Assert.False(DaemonHolds(daemon.Pid, pipe), "the daemon closed the passed descriptor");
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "cat", cid, "--length", "10")).ExitCode);
    }

    [Fact]
    public async Task BadFramesAndTooManyDescriptors_AreRefused_TheDescriptorsClosed_AndTheDaemonServesOn()
    {
        var (repo, a, _) = await RepoWithTwoFilesAsync();
        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        var path = Path.Combine(repo, LocalChannel.FileName);

        // A length over the limit, and a frame that is not JSON: the daemon hangs up.
        Assert.Equal(0, await SendAndReadAsync(path, [0x7F, 0xFF, 0xFF, 0xFF], []));
        Assert.Equal(0, await SendAndReadAsync(path, [0, 0, 0, 3, (byte)'{', (byte)'x', (byte)'}'], []));

        // Two descriptors for a request that may carry one: refused, and both closed (our pipe then reads as ended).
        using var pipe = new AnonymousPipeServerStream(PipeDirection.In);
        var writeEnd = (int)pipe.ClientSafePipeHandle.DangerousGetHandle();
        var frame = LocalFrames.Encode(new LocalRequest { Op = "cat", Args = [a] });
        Assert.Equal(0, await SendAndReadAsync(path, frame, [writeEnd, writeEnd]));
        pipe.DisposeLocalCopyOfClientHandle();
        Assert.Equal(0, await pipe.ReadAsync(new byte[1], Ct));

        // One log line for each, never a stack trace.
        foreach (var why in new[] { "impossible length", "not valid JSON", "more than 1 descriptor" })
            await daemon.WaitForLineAsync(l => l.Contains("Local channel: dropped a connection", StringComparison.Ordinal) && l.Contains(why, StringComparison.Ordinal), Ct);
        Assert.DoesNotContain("   at ", daemon.Output, StringComparison.Ordinal);
        var cat = await CliRunner.RunAsync(repo, "cat", a);
        Assert.True(cat.ExitCode == 0, cat.Stderr);
        Assert.Equal(Bytes(3_000_000, 1), cat.StdoutBytes);
    }

    private async Task<(string Repo, string A, string B)> RepoWithTwoFilesAsync()
    {
        var repo = Dir.Combine("repo");
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "init")).ExitCode);
        var cids = new List<string>();
        foreach (var (name, size, seed) in new[] { ("a.bin", 3_000_000, 1), ("b.bin", 1_000_000, 2) })
        {
            await File.WriteAllBytesAsync(Dir.Combine(name), Bytes(size, seed), Ct);
            var added = await CliRunner.RunAsync(repo, "add", "-Q", Dir.Combine(name));
            Assert.True(added.ExitCode == 0, added.Stderr);
            cids.Add(added.Stdout.Trim());
        }
        return (repo, cids[0], cids[1]);
    }

    /// <summary>Every result of cat (a range over two files), get, add (file, stdin), dag export and block get, as strings.</summary>
    private async Task<List<string>> RunAllAsync(string repo, string a, string b, byte[] stdin, string tag, bool http)
    {
        var results = new List<string>();
        var prefix = http ? "P2P_NO_LOCAL_CHANNEL=1 " : "";
        var get = Dir.Combine($"get-{tag}.bin");
        var script = $"""
            {prefix}dotnet "$P2P" cat {a} {b} --offset 100 --length 3500000 > cat-{tag}.bin; echo "cat $?"
            {prefix}dotnet "$P2P" get {a} -o {get} > /dev/null; echo "get $?"
            {prefix}dotnet "$P2P" add --pin=false a.bin; echo "add $?"
            {prefix}dotnet "$P2P" add --enc json --cid-version 0 b.bin; echo "add $?"
            {prefix}dotnet "$P2P" add < stdin.bin; echo "add $?"
            {prefix}dotnet "$P2P" cat {a}/missing; echo "cat $?"
            {prefix}dotnet "$P2P" dag export {b} > car-{tag}.car; echo "export $?"
            (set -o pipefail; {prefix}dotnet "$P2P" block get {a} | sha256sum); echo "block $?"
            {prefix}dotnet "$P2P" add no-such-file; echo "add $?"
            """;
        await File.WriteAllBytesAsync(Dir.Combine("stdin.bin"), stdin, Ct);
        var (exit, stdout, stderr) = await ShellAsync(repo, script);
        Assert.True(exit == 0, stderr);
        results.Add(stdout);
        results.Add(stderr);
        results.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(Dir.Combine($"cat-{tag}.bin"), Ct))));
        results.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(get, Ct))));
        results.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(Dir.Combine($"car-{tag}.car"), Ct))));
        Assert.Empty(Directory.GetFiles(Dir.Path, ".get-*.tmp"));
        return results;
    }

    private async Task AssertSharedOffsetAsync(string repo, string a, string b, byte[] expected, string how)
    {
        var script = $"""
            (dotnet "$P2P" cat {a}; dotnet "$P2P" cat {b}) > both.bin
            printf 'x' > appended.bin
            dotnet "$P2P" cat {b} >> appended.bin
            """;
        var (exit, _, stderr) = await ShellAsync(repo, script);
        Assert.True(exit == 0, $"{how}: {stderr}");
        var both = await File.ReadAllBytesAsync(Dir.Combine("both.bin"), Ct);
        Assert.True(expected.AsSpan().SequenceEqual(both), $"{how}: (cat A; cat B) > f is not A then B");
        var appended = await File.ReadAllBytesAsync(Dir.Combine("appended.bin"), Ct);
        Assert.True(Concat("x"u8.ToArray(), Bytes(1_000_000, 2)).AsSpan().SequenceEqual(appended), $"{how}: >> did not append");
    }

    private async Task<(int Exit, string Stdout, string Stderr)> ShellAsync(string repo, string script)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Dir.Path };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.Environment["P2P_PATH"] = repo;
        psi.Environment["P2P"] = DllPath;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Whether any of the daemon's descriptors is <paramref name="target"/> (e.g. <c>pipe:[1234]</c>).</summary>
    private static bool DaemonHolds(int pid, string target) =>
        Directory.EnumerateFiles($"/proc/{pid}/fd").Any(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget == target;
            }
            catch (IOException)
            {
                return false; // closed while we looked
            }
        });

    private async Task<long> CountToEndAsync(Stream stream)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer, Ct)) > 0)
            total += n;
        return total;
    }

    /// <summary>Sends raw bytes (with descriptors) on a fresh connection; returns what the daemon answered before hanging up.</summary>
    private async Task<int> SendAndReadAsync(string path, byte[] bytes, int[] fds)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        UnixRights.Send(socket, bytes, fds);
        var total = 0;
        var buffer = new byte[1024];
        int n;
        try
        {
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, Ct)) > 0)
                total += n;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Hung up with our unread bytes still queued: a reset rather than an end of stream, a hang-up all the same.
        }
        return total;
    }

    private static byte[] Bytes(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static byte[] Concat(byte[] first, byte[] second) => [.. first, .. second];
}
