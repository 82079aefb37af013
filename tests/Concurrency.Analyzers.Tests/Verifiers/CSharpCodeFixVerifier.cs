using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Concurrency.Analyzers.Tests.Verifiers;

/// <summary>
/// The <c>VerifyCS</c> helpers: markup (<c>[|...|]</c>, <c>{|#0:...|}</c>) marks where diagnostics
/// are expected; sources compile against the framework reference assemblies and Concurrency.Runtime with the latest C# of the Roslyn under test.
/// </summary>
public static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static DiagnosticResult Diagnostic() => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic();

    public static DiagnosticResult Diagnostic(string diagnosticId) => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(diagnosticId);

    /// <summary>A diagnostic of one descriptor, for a rule with several messages under one id.</summary>
    public static DiagnosticResult Diagnostic(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor) => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(descriptor);

    /// <summary>Asserts exactly the diagnostics marked in <paramref name="source"/>.</summary>
    public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new Test { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>Asserts the marked diagnostics, then that the fix (and Fix All) turns the source into <paramref name="fixedSource"/>.</summary>
    public static Task VerifyCodeFixAsync(string source, string fixedSource, params DiagnosticResult[] expected)
    {
        var test = new Test { TestCode = source, FixedCode = fixedSource };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = new ReferenceAssemblies("in-memory");
            TestState.AdditionalReferences.AddRange(TestReferences.Framework);
            TestState.AdditionalReferences.Add(TestReferences.Runtime);
            FixedState.AdditionalReferences.AddRange(TestReferences.Framework);
            FixedState.AdditionalReferences.Add(TestReferences.Runtime);

            // [|…|] is the rule's main descriptor when a rule has more messages under its id.
            MarkupOptions = MarkupOptions.UseFirstDescriptor;
        }

        public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.Latest;

        /// <summary>Makes the compilations before and after the fix a console application: a program with an entry point, for the rules that read it.</summary>
        public Test AsConsoleApplication()
        {
            TestState.OutputKind = OutputKind.ConsoleApplication;
            FixedState.OutputKind = OutputKind.ConsoleApplication;
            return this;
        }

        /// <summary>Analyzers that run beside <typeparamref name="TAnalyzer"/> (another part of the same rule).</summary>
        public List<DiagnosticAnalyzer> ExtraAnalyzers { get; } = new();

        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() =>
            base.GetDiagnosticAnalyzers().Concat(ExtraAnalyzers);

        protected override ParseOptions CreateParseOptions() =>
            ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion);

        protected override CompilationOptions CreateCompilationOptions() =>
            ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
    }
}
