/* libclang, loaded on first use. asynclint links libclang with dlopen instead of
 * at build time: libLLVM's load-time relocations and static constructors cost
 * ~100 ms and ~60 MB before main() even runs, and an editor linting a Python
 * file on every save must not pay that. This header is force-included (-include)
 * into every file of src/lang/c, after the clang headers, and turns each
 * `clang_x(...)` call into a call through a table filled by dlsym; the first
 * use loads the library (thread-safe). */
#ifndef LINT_LANG_C_CLANG_DL_H
#define LINT_LANG_C_CLANG_DL_H

#include <stdbool.h>

#include <clang-c/CXCompilationDatabase.h>
#include <clang-c/Index.h>

#include "../../base/diag.h"
#include "cfront_load.h"

/* Every libclang function the C frontend calls. */
#define CFRONT_CLANG_FUNCTIONS(X) \
    X(clang_CompilationDatabase_dispose) \
    X(clang_CompilationDatabase_fromDirectory) \
    X(clang_CompilationDatabase_getCompileCommands) \
    X(clang_CompileCommand_getArg) \
    X(clang_CompileCommand_getDirectory) \
    X(clang_CompileCommand_getFilename) \
    X(clang_CompileCommand_getNumArgs) \
    X(clang_CompileCommands_dispose) \
    X(clang_CompileCommands_getCommand) \
    X(clang_CompileCommands_getSize) \
    X(clang_Cursor_Evaluate) \
    X(clang_Cursor_getArgument) \
    X(clang_Cursor_getNumArguments) \
    X(clang_Cursor_getStorageClass) \
    X(clang_Cursor_isAnonymous) \
    X(clang_Cursor_isNull) \
    X(clang_EvalResult_dispose) \
    X(clang_EvalResult_getAsDouble) \
    X(clang_EvalResult_getAsLongLong) \
    X(clang_EvalResult_getKind) \
    X(clang_File_isEqual) \
    X(clang_Location_isInSystemHeader) \
    X(clang_Type_visitFields) \
    X(clang_createIndex) \
    X(clang_disposeDiagnostic) \
    X(clang_disposeIndex) \
    X(clang_disposeString) \
    X(clang_disposeTranslationUnit) \
    X(clang_equalCursors) \
    X(clang_equalTypes) \
    X(clang_getCString) \
    X(clang_getCanonicalType) \
    X(clang_getCursorExtent) \
    X(clang_getCursorKind) \
    X(clang_getCursorLinkage) \
    X(clang_getCursorLocation) \
    X(clang_getCursorReferenced) \
    X(clang_getCursorSemanticParent) \
    X(clang_getCursorSpelling) \
    X(clang_getCursorType) \
    X(clang_getDiagnostic) \
    X(clang_getDiagnosticLocation) \
    X(clang_getDiagnosticSeverity) \
    X(clang_getDiagnosticSpelling) \
    X(clang_getExpansionLocation) \
    X(clang_getFile) \
    X(clang_getFileContents) \
    X(clang_getFileLocation) \
    X(clang_getFileName) \
    X(clang_getNullCursor) \
    X(clang_getNumDiagnostics) \
    X(clang_getPointeeType) \
    X(clang_getRangeEnd) \
    X(clang_getRangeStart) \
    X(clang_getTranslationUnitCursor) \
    X(clang_getTypeDeclaration) \
    X(clang_getTypeSpelling) \
    X(clang_isCursorDefinition) \
    X(clang_isExpression) \
    X(clang_isStatement) \
    X(clang_parseTranslationUnit2) \
    X(clang_visitChildren)

typedef struct CfrontClang {
#define CFRONT_CLANG_MEMBER(f) __typeof__(&f) f;
    CFRONT_CLANG_FUNCTIONS(CFRONT_CLANG_MEMBER)
#undef CFRONT_CLANG_MEMBER
    bool loaded;
} CfrontClang;

/* Loads libclang once (later calls return the first result). On failure reports
 * one error to d (may be NULL) naming the library and dlerror(); C files must
 * then be skipped. Thread-safe. */
bool cfront_clang_load(Diag *d);
/* The loaded table (loading it if needed; an unusable table if that failed:
 * check cfront_clang_load first). */
const CfrontClang *cfront_clang_table(void);

#ifndef CFRONT_CLANG_DL_IMPL
#define clang_CompilationDatabase_dispose (cfront_clang_table()->clang_CompilationDatabase_dispose)
#define clang_CompilationDatabase_fromDirectory (cfront_clang_table()->clang_CompilationDatabase_fromDirectory)
#define clang_CompilationDatabase_getCompileCommands (cfront_clang_table()->clang_CompilationDatabase_getCompileCommands)
#define clang_CompileCommand_getArg (cfront_clang_table()->clang_CompileCommand_getArg)
#define clang_CompileCommand_getDirectory (cfront_clang_table()->clang_CompileCommand_getDirectory)
#define clang_CompileCommand_getFilename (cfront_clang_table()->clang_CompileCommand_getFilename)
#define clang_CompileCommand_getNumArgs (cfront_clang_table()->clang_CompileCommand_getNumArgs)
#define clang_CompileCommands_dispose (cfront_clang_table()->clang_CompileCommands_dispose)
#define clang_CompileCommands_getCommand (cfront_clang_table()->clang_CompileCommands_getCommand)
#define clang_CompileCommands_getSize (cfront_clang_table()->clang_CompileCommands_getSize)
#define clang_Cursor_Evaluate (cfront_clang_table()->clang_Cursor_Evaluate)
#define clang_Cursor_getArgument (cfront_clang_table()->clang_Cursor_getArgument)
#define clang_Cursor_getNumArguments (cfront_clang_table()->clang_Cursor_getNumArguments)
#define clang_Cursor_getStorageClass (cfront_clang_table()->clang_Cursor_getStorageClass)
#define clang_Cursor_isAnonymous (cfront_clang_table()->clang_Cursor_isAnonymous)
#define clang_Cursor_isNull (cfront_clang_table()->clang_Cursor_isNull)
#define clang_EvalResult_dispose (cfront_clang_table()->clang_EvalResult_dispose)
#define clang_EvalResult_getAsDouble (cfront_clang_table()->clang_EvalResult_getAsDouble)
#define clang_EvalResult_getAsLongLong (cfront_clang_table()->clang_EvalResult_getAsLongLong)
#define clang_EvalResult_getKind (cfront_clang_table()->clang_EvalResult_getKind)
#define clang_File_isEqual (cfront_clang_table()->clang_File_isEqual)
#define clang_Location_isInSystemHeader (cfront_clang_table()->clang_Location_isInSystemHeader)
#define clang_Type_visitFields (cfront_clang_table()->clang_Type_visitFields)
#define clang_createIndex (cfront_clang_table()->clang_createIndex)
#define clang_disposeDiagnostic (cfront_clang_table()->clang_disposeDiagnostic)
#define clang_disposeIndex (cfront_clang_table()->clang_disposeIndex)
#define clang_disposeString (cfront_clang_table()->clang_disposeString)
#define clang_disposeTranslationUnit (cfront_clang_table()->clang_disposeTranslationUnit)
#define clang_equalCursors (cfront_clang_table()->clang_equalCursors)
#define clang_equalTypes (cfront_clang_table()->clang_equalTypes)
#define clang_getCString (cfront_clang_table()->clang_getCString)
#define clang_getCanonicalType (cfront_clang_table()->clang_getCanonicalType)
#define clang_getCursorExtent (cfront_clang_table()->clang_getCursorExtent)
#define clang_getCursorKind (cfront_clang_table()->clang_getCursorKind)
#define clang_getCursorLinkage (cfront_clang_table()->clang_getCursorLinkage)
#define clang_getCursorLocation (cfront_clang_table()->clang_getCursorLocation)
#define clang_getCursorReferenced (cfront_clang_table()->clang_getCursorReferenced)
#define clang_getCursorSemanticParent (cfront_clang_table()->clang_getCursorSemanticParent)
#define clang_getCursorSpelling (cfront_clang_table()->clang_getCursorSpelling)
#define clang_getCursorType (cfront_clang_table()->clang_getCursorType)
#define clang_getDiagnostic (cfront_clang_table()->clang_getDiagnostic)
#define clang_getDiagnosticLocation (cfront_clang_table()->clang_getDiagnosticLocation)
#define clang_getDiagnosticSeverity (cfront_clang_table()->clang_getDiagnosticSeverity)
#define clang_getDiagnosticSpelling (cfront_clang_table()->clang_getDiagnosticSpelling)
#define clang_getExpansionLocation (cfront_clang_table()->clang_getExpansionLocation)
#define clang_getFile (cfront_clang_table()->clang_getFile)
#define clang_getFileContents (cfront_clang_table()->clang_getFileContents)
#define clang_getFileLocation (cfront_clang_table()->clang_getFileLocation)
#define clang_getFileName (cfront_clang_table()->clang_getFileName)
#define clang_getNullCursor (cfront_clang_table()->clang_getNullCursor)
#define clang_getNumDiagnostics (cfront_clang_table()->clang_getNumDiagnostics)
#define clang_getPointeeType (cfront_clang_table()->clang_getPointeeType)
#define clang_getRangeEnd (cfront_clang_table()->clang_getRangeEnd)
#define clang_getRangeStart (cfront_clang_table()->clang_getRangeStart)
#define clang_getTranslationUnitCursor (cfront_clang_table()->clang_getTranslationUnitCursor)
#define clang_getTypeDeclaration (cfront_clang_table()->clang_getTypeDeclaration)
#define clang_getTypeSpelling (cfront_clang_table()->clang_getTypeSpelling)
#define clang_isCursorDefinition (cfront_clang_table()->clang_isCursorDefinition)
#define clang_isExpression (cfront_clang_table()->clang_isExpression)
#define clang_isStatement (cfront_clang_table()->clang_isStatement)
#define clang_parseTranslationUnit2 (cfront_clang_table()->clang_parseTranslationUnit2)
#define clang_visitChildren (cfront_clang_table()->clang_visitChildren)
#endif

#endif
