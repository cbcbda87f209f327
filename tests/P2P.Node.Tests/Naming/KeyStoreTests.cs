using System.Runtime.Versioning;
using P2P.Node.Errors;
using P2P.Node.Naming;
using P2P.Node.Storage;
using P2P.Node.Tests.Storage;

namespace P2P.Node.Tests.Naming;

public sealed class KeyStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Repo _repo;
    private readonly KeyStore _keys;

    public KeyStoreTests()
    {
        _repo = Repo.Init(_dir.Join("repo"));
        _keys = KeyStore.Open(_repo);
    }

    public void Dispose()
    {
        _repo.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void List_OfANewRepo_IsSelfWithTheNodesPeerId()
    {
        var keys = _keys.List();
        var self = Assert.Single(keys);
        Assert.Equal("self", self.Name);
        Assert.Equal(_repo.Config.Identity!.PeerId, self.Id.ToString());
        using var key = _keys.Get("self");
        Assert.Equal(self.Id, key.PeerId);
    }

    [Fact]
    public void Generate_StoresAKeyThatGetAndListReturn_SelfFirstThenByName()
    {
        var b = _keys.Generate("b");
        var a = _keys.Generate("a");
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(["self", "a", "b"], _keys.List().Select(k => k.Name));
        using var key = _keys.Get("a");
        Assert.Equal(a.Id, key.PeerId);
        Assert.StartsWith("k51", a.IpnsName.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Generate_WritesKubosFileNameAndFormat_OwnerOnly()
    {
        var info = _keys.Generate("my key");
        // kubo: "key_" + unpadded lower-case base32 of the name; the bytes are the libp2p PrivateKey message.
        var path = Path.Join(_keys.DirectoryPath, "key_nv4sa23fpe");
        Assert.True(File.Exists(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_keys.DirectoryPath));
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(68, bytes.Length);
        Assert.Equal(new byte[] { 0x08, 0x01, 0x12, 0x40 }, bytes[..4]);
        Assert.True(Libp2pKey.TryDecodePrivateKey(bytes, out var key, out _));
        using (key)
            Assert.Equal(info.Id, key!.PeerId);
    }

    [Theory]
    [InlineData("self", "cannot create key with name 'self'")]
    [InlineData("", "at least one character")]
    [InlineData("a/b", "slashes")]
    [InlineData("a\\b", "slashes")]
    [InlineData("a\nb", "control")]
    public void Generate_InvalidName_IsBadInput(string name, string expected)
    {
        var error = Assert.Throws<P2PException>(() => _keys.Generate(name));
        Assert.Equal(ErrorKind.BadInput, error.Kind);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_TooLongName_OrOtherType_IsBadInput()
    {
        Assert.Contains("longer than", Assert.Throws<P2PException>(() => _keys.Generate(new string('x', KeyStore.MaxNameLength + 1))).Message, StringComparison.Ordinal);
        _keys.Generate(new string('x', KeyStore.MaxNameLength));
        var error = Assert.Throws<P2PException>(() => _keys.Generate("r", "rsa"));
        Assert.Equal("unsupported key type 'rsa': only ed25519 keys are supported", error.Message);
    }

    [Fact]
    public void Generate_ExistingName_IsAConflict()
    {
        _keys.Generate("a");
        var error = Assert.Throws<P2PException>(() => _keys.Generate("a"));
        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal("key with name 'a' already exists", error.Message);
    }

    [Fact]
    public void Remove_DeletesTheKey_ButNeverSelf()
    {
        var a = _keys.Generate("a");
        Assert.Equal(a, _keys.Remove("a"));
        Assert.Equal(["self"], _keys.List().Select(k => k.Name));
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<P2PException>(() => _keys.Remove("a")).Kind);
        Assert.Equal("no key named a was found", Assert.Throws<P2PException>(() => _keys.Get("a")).Message);
        Assert.Equal("cannot remove key with name 'self'", Assert.Throws<P2PException>(() => _keys.Remove("self")).Message);
    }

    [Fact]
    public void Rename_MovesTheKey_AndOverwritesOnlyWithForce()
    {
        var a = _keys.Generate("a");
        _keys.Generate("b");
        var error = Assert.Throws<P2PException>(() => _keys.Rename("a", "b", force: false));
        Assert.Equal("key by that name already exists, refusing to overwrite", error.Message);
        var (renamed, overwritten) = _keys.Rename("a", "b", force: true);
        Assert.True(overwritten);
        Assert.Equal(new KeyInfo("b", a.Id), renamed);
        Assert.Equal(["self", "b"], _keys.List().Select(k => k.Name));
        Assert.Equal((new KeyInfo("c", a.Id), false), _keys.Rename("b", "c", force: false));
        Assert.Equal("cannot rename key with name 'self'", Assert.Throws<P2PException>(() => _keys.Rename("self", "x", false)).Message);
        Assert.Equal("cannot overwrite key with name 'self'", Assert.Throws<P2PException>(() => _keys.Rename("c", "self", true)).Message);
    }

    [Fact]
    public void Export_ThenImport_GivesTheSameKey_UnderANewName()
    {
        var a = _keys.Generate("a");
        var exported = _keys.Export("a");
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<P2PException>(() => _keys.Import("a", exported)).Kind);
        Assert.Equal(new KeyInfo("copy", a.Id), _keys.Import("copy", _keys.Export("a")));
        Assert.Equal("cannot export key with name 'self'", Assert.Throws<P2PException>(() => _keys.Export("self")).Message);
        Assert.Equal("cannot import key with name 'self'", Assert.Throws<P2PException>(() => _keys.Import("self", exported)).Message);
    }

    [Fact]
    public void Import_NotAnEd25519Key_SaysWhy()
    {
        // A secp256k1 PrivateKey message: type 2, 32 bytes of data.
        byte[] secp = [0x08, 0x02, 0x12, 0x20, .. new byte[32]];
        var error = Assert.Throws<P2PException>(() => _keys.Import("s", secp));
        Assert.Equal(ErrorKind.BadInput, error.Kind);
        Assert.Contains("unsupported key type secp256k1", error.Message, StringComparison.Ordinal);
        Assert.Contains("malformed", Assert.Throws<P2PException>(() => _keys.Import("g", [0xff, 0xff])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_MismatchedPublicHalf_IsRefused()
    {
        var bytes = _keys.Export(_keys.Generate("a").Name);
        bytes[^1] ^= 1;
        Assert.Contains("does not match", Assert.Throws<P2PException>(() => _keys.Import("b", bytes)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void List_SkipsFilesThatAreNoKeys()
    {
        _keys.Generate("a");
        File.WriteAllBytes(Path.Join(_keys.DirectoryPath, "key_mjqwi"), [1, 2, 3]);
        File.WriteAllBytes(Path.Join(_keys.DirectoryPath, "other"), [1, 2, 3]);
        Assert.Equal(["self", "a"], _keys.List().Select(k => k.Name));
    }
}
