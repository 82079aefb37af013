using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// The one identity of a lock object, shared by every lock rule: a field; a property that is not
/// simply a field (<c>protected object SyncRoot => _root;</c> is <c>_root</c>); <c>this</c> of a type;
/// or <c>typeof(T)</c>. All instances of a field, property or type are one lock — a documented
/// approximation (two objects of one class are told apart only where a rule says so: a summary
/// marks a lock its method takes on another object than its own, <see cref="OnOtherInstance"/>).
/// </summary>
internal sealed class LockId : IEquatable<LockId>
{
    private LockId(LockIdKind kind, ISymbol symbol, bool otherInstance = false)
    {
        Kind = kind;
        Symbol = symbol;
        IsOnOtherInstance = otherInstance;
    }

    public LockIdKind Kind { get; }

    /// <summary>
    /// Taken on another object than the one whose code this is (through a call on another receiver,
    /// or <c>lock (other._gate)</c>): only in summaries, which say "this method takes that lock, but
    /// not on its own instance".
    /// </summary>
    public bool IsOnOtherInstance { get; }

    /// <summary>Whether each object has its own lock of this identity (an instance field or property, <c>this</c>); static ones and type objects are one object.</summary>
    public bool IsPerInstance => Kind == LockIdKind.This || (Kind != LockIdKind.TypeObject && !Symbol.IsStatic);

    /// <summary>The same lock taken on another object than this code's own (a one-object lock stays itself).</summary>
    public LockId OnOtherInstance() => IsOnOtherInstance || !IsPerInstance ? this : new LockId(Kind, Symbol, otherInstance: true);

    /// <summary>The lock, whatever object it is taken on.</summary>
    public LockId AnyInstance() => IsOnOtherInstance ? new LockId(Kind, Symbol) : this;

    /// <summary>The field, the property, or the type (of <c>this</c>, or of <c>typeof</c>).</summary>
    public ISymbol Symbol { get; }

    /// <summary>The field, when the lock is one: what a fix can name, and whose initializer tells the lock's kind.</summary>
    public IFieldSymbol? Field => Symbol as IFieldSymbol;

    /// <summary>The type the lock belongs to, as messages name it from other types.</summary>
    public INamedTypeSymbol? ContainingType => Kind is LockIdKind.This or LockIdKind.TypeObject ? Symbol as INamedTypeSymbol : Symbol.ContainingType;

    /// <summary>How a message names the lock inside its own type: <c>_gate</c>, <c>SyncRoot</c>, <c>this</c>, <c>typeof(Ledger)</c>.</summary>
    public string Name => Kind switch
    {
        LockIdKind.This => "this",
        LockIdKind.TypeObject => $"typeof({Symbol.Name})",
        _ => Symbol.Name,
    };

    /// <summary>How a message names the lock from code of <paramref name="site"/>: <c>Type.Field</c> for another type's.</summary>
    public string DisplayFrom(INamedTypeSymbol? site) => Kind switch
    {
        LockIdKind.TypeObject => Name,
        LockIdKind.This => SymbolEqualityComparer.Default.Equals(Symbol, site) ? Name : $"{Symbol.Name} (this)",
        _ => SymbolEqualityComparer.Default.Equals(Symbol.ContainingType, site) ? Name : $"{Symbol.ContainingType.Name}.{Symbol.Name}",
    };

    /// <summary>
    /// Orders locks by where they are declared, then kind: the order messages and fixes follow, the
    /// same in every build (never hash or dictionary order).
    /// </summary>
    public static int Compare(LockId? x, LockId? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var bySource = SymbolHelpers.CompareBySource(x.Symbol, y.Symbol);
        return bySource != 0 ? bySource : x.Kind != y.Kind ? x.Kind.CompareTo(y.Kind) : x.IsOnOtherInstance.CompareTo(y.IsOnOtherInstance);
    }

    public static LockId Of(IFieldSymbol field) => new(LockIdKind.Field, field.OriginalDefinition);

    public static LockId Of(IPropertySymbol property) => new(LockIdKind.Property, property.OriginalDefinition);

    public static LockId This(ITypeSymbol type) => new(LockIdKind.This, type.OriginalDefinition);

    public static LockId TypeObject(ITypeSymbol type) => new(LockIdKind.TypeObject, type.OriginalDefinition);

    public bool Equals(LockId? other) =>
        other is not null && other.Kind == Kind && other.IsOnOtherInstance == IsOnOtherInstance && SymbolEqualityComparer.Default.Equals(other.Symbol, Symbol);

    public override bool Equals(object? obj) => Equals(obj as LockId);

    public override int GetHashCode() => (SymbolEqualityComparer.Default.GetHashCode(Symbol) * 8) + ((int)Kind * 2) + (IsOnOtherInstance ? 1 : 0);

    public override string ToString() => Name;
}

/// <summary>What kind of object a <see cref="LockId"/> is.</summary>
internal enum LockIdKind
{
    /// <summary>A field (static, or of any instance).</summary>
    Field,

    /// <summary>A property whose getter is more than a field.</summary>
    Property,

    /// <summary><c>lock (this)</c>: the instance itself.</summary>
    This,

    /// <summary><c>lock (typeof(T))</c>: the type object, shared by the whole process.</summary>
    TypeObject,
}
